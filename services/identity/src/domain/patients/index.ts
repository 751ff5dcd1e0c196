export type { LinkGuardian, PatientCommand, RecordVerification, RegisterPatient, VerifyGuardianship } from "./commands.js";
export { patientDecider } from "./decider.js";
export { isPatientEventType } from "./events.js";
export type {
  GuardianLinked,
  GuardianLinkedData,
  GuardianshipVerified,
  GuardianshipVerifiedData,
  PatientEvent,
  PatientIdentityVerified,
  PatientIdentityVerifiedData,
  PatientRegistered,
  PatientRegisteredData,
  PatientVerificationFailed,
  PatientVerificationFailedData,
} from "./events.js";
export { checkCharacter, normalizeIdNumber } from "./idDocuments.js";
export { ADULT_AGE, ageOn, isAdult, requireIdentity } from "./rules.js";
export type { CheckedIdentity, IdentityInput } from "./rules.js";
export { NO_PATIENT, type PatientState } from "./state.js";
export { GUARDIAN_RELATIONSHIPS, ID_DOCUMENT_TYPES, SEXES, VERIFICATION_METHODS } from "./types.js";
export type {
  GuardianRelationship,
  Guardianship,
  IdDocumentType,
  Patient,
  ProtectedIdentity,
  Sex,
  VerificationMethod,
} from "./types.js";
