export type {
  AcceptConsult,
  CancelConsult,
  CompleteConsult,
  ConsultCommand,
  DecideEligibility,
  ExpireConsult,
  FamilyContractFacts,
  GiveConsent,
  GuardianFacts,
  InstitutionFacts,
  InvitationInput,
  MessageContent,
  OpenVideoRoom,
  PatientFacts,
  PriorRecordInput,
  RecordRefusedRequest,
  RequestConsult,
  SendMessage,
  StartConsult,
  StoreRecording,
  TerminateConsult,
} from "./commands.js";
export { consultDecider } from "./decider.js";
export { CONSULT_EVENT_TYPES, isConsultEventType } from "./events.js";
export type {
  ConsultAcceptedData,
  ConsultCompletedData,
  ConsultEvent,
  ConsultRequestedData,
  ConsultRequestRefusedData,
  ConsultStartedData,
  ConsultTerminatedData,
  FollowUpEligibilityDecidedData,
  MessageSentData,
  RecordingStoredData,
  ReferralNoticeIssuedData,
} from "./events.js";
export { beijingDay, isClassA } from "./rules.js";
export { type ConsultState, NO_CONSULT } from "./state.js";
export { CONSULT_TYPES, PRIOR_RECORD_TYPES } from "./types.js";
export type {
  ConsentText,
  Consult,
  ConsultDiagnosis,
  ConsultSettings,
  ConsultStatus,
  ConsultType,
  Diagnosis,
  Invitation,
  PriorRecord,
  StoredSignature,
} from "./types.js";
