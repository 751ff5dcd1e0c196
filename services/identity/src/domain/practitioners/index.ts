export { expiryUnnoticed, maySign, requirePractising, requireReceiving, requireReviewer } from "./access.js";
export type { ReceivingCheck, ReviewerCheck } from "./access.js";
export type {
  ChangePractice,
  EnablePractitioner,
  NoticeCredentialExpiry,
  PracticeInput,
  PractitionerCommand,
  RecordExit,
  RecordIdentityVerification,
  RecordPracticeDocument,
  RecordRegistryLookup,
  RegisterPractitioner,
  RegistryOutcome,
  ReinstatePractitioner,
  RevokePractitioner,
  SuspendPractitioner,
} from "./commands.js";
export { practitionerDecider } from "./decider.js";
export { isPractitionerEventType, PRACTITIONER_EVENT_TYPES, STAFF_RECORD_CHANGES } from "./events.js";
export type {
  PractitionerEvent,
  PractitionerRegisteredData,
  StaffRecordChange,
  StaffRecordChanged,
  StaffRecordChangedData,
} from "./events.js";
export { PRACTICE_SCOPES, scopesCover, subjectsCover } from "./practiceScopes.js";
export { isExpired, requireIdNumber } from "./rules.js";
export { NO_PRACTITIONER, type PractitionerState } from "./state.js";
export { AFFILIATIONS, DOCUMENT_KINDS, IDENTITY_METHODS, PROFESSIONS, REGISTRY_FAILURES } from "./types.js";
export type {
  Affiliation,
  DocumentKind,
  EligibilitySettings,
  IdentityMethod,
  InstitutionFacts,
  Practice,
  Practitioner,
  PractitionerStatus,
  Profession,
  RegistryFailure,
} from "./types.js";
