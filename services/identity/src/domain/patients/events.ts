import type { DomainEvent } from "@ihp/eventsourcing";
import type { GuardianRelationship, IdDocumentType, Sex, VerificationMethod } from "./types.js";

// Event data are plain JSON type aliases. Name and ID number appear only sealed (ProtectedIdentity).

export type PatientRegisteredData = {
  readonly patientId: string;
  readonly idType: IdDocumentType;
  readonly birthDate: string;
  readonly sex: Sex;
  readonly sealedName: string;
  readonly sealedIdNumber: string;
  readonly idNumberIndex: string;
};

export type PatientIdentityVerifiedData = {
  readonly patientId: string;
  readonly method: VerificationMethod;
  readonly providerReference: string;
};

export type PatientVerificationFailedData = PatientIdentityVerifiedData;

export type GuardianLinkedData = {
  readonly childId: string;
  readonly guardianId: string;
  readonly relationship: GuardianRelationship;
  readonly evidenceReference: string;
};

export type GuardianshipVerifiedData = {
  readonly childId: string;
  readonly guardianId: string;
  readonly method: string;
};

export type PatientRegistered = DomainEvent<"PatientRegistered", PatientRegisteredData>;
export type PatientIdentityVerified = DomainEvent<"PatientIdentityVerified", PatientIdentityVerifiedData>;
export type PatientVerificationFailed = DomainEvent<"PatientVerificationFailed", PatientVerificationFailedData>;
export type GuardianLinked = DomainEvent<"GuardianLinked", GuardianLinkedData>;
export type GuardianshipVerified = DomainEvent<"GuardianshipVerified", GuardianshipVerifiedData>;

export type PatientEvent =
  | PatientRegistered
  | PatientIdentityVerified
  | PatientVerificationFailed
  | GuardianLinked
  | GuardianshipVerified;

const TYPES: ReadonlySet<string> = new Set<PatientEvent["type"]>([
  "PatientRegistered",
  "PatientIdentityVerified",
  "PatientVerificationFailed",
  "GuardianLinked",
  "GuardianshipVerified",
]);

export function isPatientEventType(type: string): type is PatientEvent["type"] {
  return TYPES.has(type);
}
