// The records domain (issue 11): pure deciders and rules. No I/O, no clock, no randomness.
export { ACCESS_PURPOSES, decideAccess, refusedByRole } from "./access.js";
export type { AccessDecision, AccessPurpose, AccessRequest } from "./access.js";
export { CHANGE_TYPES, contribution, LIFECYCLE_CODES } from "./contribution.js";
export type { ChangeType, Committer, Contribution, LifecycleCode } from "./contribution.js";
export { APPLICANT_TYPES, copyDecider, REQUIRED_PROOFS } from "./copies.js";
export type { ApplicantType, CopyCommand, CopyEvent, CopySeal, CopyState, ProofDocument } from "./copies.js";
export { compareManifests, custodyDecider } from "./custody.js";
export type { CustodyCommand, CustodyEvent, CustodyState, ManifestCheck, ManifestItem } from "./custody.js";
export { NOT_EXAMINED_TEXT } from "./document.js";
export type {
  Coded,
  Diagnosis,
  MediaReference,
  OutpatientRecord,
  RecordHeader,
  RecordSections,
  RecordSignature,
} from "./document.js";
export { RECORDS_ERRORS, refusal } from "./errors.js";
export type { RecordsErrorCode } from "./errors.js";
export type {
  AmendRecord,
  ApproveDestruction,
  Approver,
  ArchiveRecord,
  AttestAddendum,
  AttestRecord,
  CosignRecord,
  DestroyMedia,
  DestroyRecord,
  LodgeDisputeClaim,
  OriginateRecord,
  PlaceLegalHold,
  RecordCommand,
  RecordsSettings,
  RemoveLegalHold,
  ResolveDispute,
  RestrictRecord,
  SealIncrement,
  SealRecord,
  UnsealRecord,
} from "./recordCommands.js";
export { recordDecider } from "./recordDecider.js";
export { RECORD_EVENT_TYPES } from "./recordEvents.js";
export type { RecordAccessedData, RecordDestroyedData, RecordEvent, RecordEventType, RecordOriginatedData } from "./recordEvents.js";
export { NO_RECORD } from "./recordTypes.js";
export type {
  Addendum,
  MedicalRecord,
  RecordHeaderBase,
  RecordState,
  RecordStatus,
  RecordVersion,
  Seal,
  SealAttestation,
  SealParty,
  SealedPart,
  VersionSignature,
} from "./recordTypes.js";
export { destroyableFrom, dueOn, isPastRetention, lastVisit, mediaRetention, recordRetention, retentionSubjectsOf } from "./retention.js";
export type { DueItem, RetentionClock, RetentionSubject } from "./retention.js";
export { UNSEAL_ALONE_AFTER_YEARS } from "./sealing.js";
export { confirmedVersion, diffVersions, documentAt, sealSnapshot, versionHistory } from "./versions.js";
export type { VersionChange, VersionEntry } from "./versions.js";
