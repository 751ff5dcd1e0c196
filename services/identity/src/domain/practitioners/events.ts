import type { DomainEvent } from "@ihp/eventsourcing";
import type { DocumentKind, IdentityMethod, PersonFacts, Practice, Profession, RegistryFailure } from "./types.js";

// Event data are type aliases of plain JSON; what is stored is what was checked.

export type PractitionerRegisteredData = {
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly person: PersonFacts;
  readonly practice: Practice;
};

export type RegistryVerifiedData = {
  readonly practitionerId: string;
  /** Which registry answered, e.g. "national-e-registration" or "file:demo". */
  readonly source: string;
  readonly eLicenceReference: string;
};

export type RegistryLookupFailedData = {
  readonly practitionerId: string;
  readonly source: string;
  readonly reason: RegistryFailure;
};

export type IdentityVerifiedData = {
  readonly practitionerId: string;
  readonly method: IdentityMethod;
  readonly reference: string;
};

export type PracticeDocumentRecordedData = {
  readonly practitionerId: string;
  readonly kind: DocumentKind;
  readonly reference: string;
};

export type PractitionerEnabledData = { readonly practitionerId: string };

export type PracticeChangedData = { readonly practitionerId: string; readonly practice: Practice };

export type PractitionerSuspendedData = { readonly practitionerId: string; readonly reason: string };
/** `status`: where the reinstatement returns to (ACTIVE if enabled before the suspension). */
export type PractitionerReinstatedData = { readonly practitionerId: string; readonly status: "ACTIVE" | "PENDING" };
export type PractitionerRevokedData = { readonly practitionerId: string; readonly reason: string };
export type PractitionerExitedData = { readonly practitionerId: string };
export type CredentialExpiredData = { readonly practitionerId: string; readonly licenceValidUntil: string };

export const STAFF_RECORD_CHANGES = ["ENABLED", "CHANGED", "SUSPENDED", "REINSTATED", "REVOKED", "EXPIRED", "EXITED"] as const;
export type StaffRecordChange = (typeof STAFF_RECORD_CHANGES)[number];

/**
 * REP-03: the staff record the regulator gets, as of this change. A snapshot, so the relay maps one stored event to
 * the integration event without folding the stream. The ID number stays sealed; the relay opens it for the feed.
 */
export type StaffRecordChangedData = {
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly change: StaffRecordChange;
  readonly profession: Profession;
  readonly name: string;
  readonly idNumberSealed: string;
  readonly licenceNumber: string;
  readonly title: string;
  readonly scopeCodes: string[];
  readonly departmentCodes: string[];
  readonly mainInstitutionName: string;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly active: boolean;
};

export type PractitionerRegistered = DomainEvent<"PractitionerRegistered", PractitionerRegisteredData>;
export type RegistryVerified = DomainEvent<"RegistryVerified", RegistryVerifiedData>;
export type RegistryLookupFailed = DomainEvent<"RegistryLookupFailed", RegistryLookupFailedData>;
export type IdentityVerified = DomainEvent<"IdentityVerified", IdentityVerifiedData>;
export type PracticeDocumentRecorded = DomainEvent<"PracticeDocumentRecorded", PracticeDocumentRecordedData>;
export type PractitionerEnabled = DomainEvent<"PractitionerEnabled", PractitionerEnabledData>;
export type PracticeChanged = DomainEvent<"PracticeChanged", PracticeChangedData>;
export type PractitionerSuspended = DomainEvent<"PractitionerSuspended", PractitionerSuspendedData>;
export type PractitionerReinstated = DomainEvent<"PractitionerReinstated", PractitionerReinstatedData>;
export type PractitionerRevoked = DomainEvent<"PractitionerRevoked", PractitionerRevokedData>;
export type PractitionerExited = DomainEvent<"PractitionerExited", PractitionerExitedData>;
export type CredentialExpired = DomainEvent<"CredentialExpired", CredentialExpiredData>;
export type StaffRecordChanged = DomainEvent<"StaffRecordChanged", StaffRecordChangedData>;

export type PractitionerEvent =
  | PractitionerRegistered
  | RegistryVerified
  | RegistryLookupFailed
  | IdentityVerified
  | PracticeDocumentRecorded
  | PractitionerEnabled
  | PracticeChanged
  | PractitionerSuspended
  | PractitionerReinstated
  | PractitionerRevoked
  | PractitionerExited
  | CredentialExpired
  | StaffRecordChanged;

export const PRACTITIONER_EVENT_TYPES: ReadonlySet<string> = new Set<PractitionerEvent["type"]>([
  "PractitionerRegistered",
  "RegistryVerified",
  "RegistryLookupFailed",
  "IdentityVerified",
  "PracticeDocumentRecorded",
  "PractitionerEnabled",
  "PracticeChanged",
  "PractitionerSuspended",
  "PractitionerReinstated",
  "PractitionerRevoked",
  "PractitionerExited",
  "CredentialExpired",
  "StaffRecordChanged",
]);

export function isPractitionerEventType(type: string): type is PractitionerEvent["type"] {
  return PRACTITIONER_EVENT_TYPES.has(type);
}
