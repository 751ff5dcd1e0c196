export type {
  ConfirmLines,
  ConfirmLongTermPlan,
  DraftPrescription,
  PrescriptionCommand,
  RecordReviewOutcome,
  RevisePrescription,
  SignPrescription,
} from "./commands.js";
export {
  contentInputOf,
  documentToSign,
  planSigning,
  prescriptionDecider,
  profileInEffect,
} from "./decider.js";
export type { SigningPlan } from "./decider.js";
export { DOCUMENT_TYPE, prescriptionDocument } from "./document.js";
export type { DocumentFacts } from "./document.js";
export { isPrescriptionEventType, PRESCRIPTION_EVENT_TYPES } from "./events.js";
export type {
  CatalogueRef,
  LongTermPlanConfirmedData,
  PrescriptionDraftedData,
  PrescriptionEvent,
  PrescriptionLinesConfirmedData,
  PrescriptionSignedData,
  PrescriptionVoidedData,
  ReviewOutcomeRecordedData,
} from "./events.js";
export { FREQUENCIES, isBlockedDrug, isValidOn, MAX_LINES, type MissingAttestation, missingAttestations, needsPatientConfirmation } from "./rules.js";
export { initialState } from "./state.js";
export type { Prescription, PrescriptionState, SignedVersion } from "./state.js";
export type {
  Actor,
  ConsultSnapshot,
  Content,
  ContentInput,
  Diagnosis,
  DocumentLine,
  Line,
  LineInput,
  ReviewOutcome,
  ReviewStatus,
  SignatureRecord,
} from "./types.js";
