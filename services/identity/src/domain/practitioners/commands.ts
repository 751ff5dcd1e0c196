import type { EligibilitySettings, IdentityMethod, InstitutionFacts, RegistryFailure } from "./types.js";

/** Practice facts as received (raw strings); rules.ts checks them. */
export interface PracticeInput {
  readonly title: string;
  readonly licenceNumber: string;
  readonly licenceValidUntil: string;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly dispensingYears: number;
  /** "IN_HOUSE", "CONTRACTED", or "" (IN_HOUSE). */
  readonly affiliation: string;
}

export interface RegisterPractitioner {
  readonly type: "RegisterPractitioner";
  readonly practitionerId: string;
  readonly institution: InstitutionFacts;
  readonly name: string;
  /** Sealed by the application after requireIdNumber passed on the clear value. */
  readonly idNumberSealed: string;
  readonly profession: string;
  readonly mainInstitutionName: string;
  readonly mainInstitutionIsHost: boolean;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly practice: PracticeInput;
  readonly at: Date;
}

/** IDN-01: the outcome of a registry lookup the application made. */
export type RegistryOutcome =
  | { readonly status: "REGISTERED"; readonly eLicenceReference: string; readonly source: string }
  | { readonly status: RegistryFailure; readonly source: string };

export interface RecordRegistryLookup {
  readonly type: "RecordRegistryLookup";
  readonly practitionerId: string;
  readonly outcome: RegistryOutcome;
  readonly at: Date;
}

/** IDN-02: a passed real-name verification. Face-match tenants accept FACE_MATCH only. */
export interface RecordIdentityVerification {
  readonly type: "RecordIdentityVerification";
  readonly practitionerId: string;
  readonly method: IdentityMethod;
  readonly faceMatchRequired: boolean;
  /** Provider reference of the match, or the admin's reference of the document check. */
  readonly reference: string;
  readonly at: Date;
}

export interface RecordPracticeDocument {
  readonly type: "RecordPracticeDocument";
  readonly practitionerId: string;
  /** Raw kind; anything but DOCUMENT_KINDS is refused. */
  readonly kind: string;
  readonly reference: string;
}

export interface EnablePractitioner {
  readonly type: "EnablePractitioner";
  readonly practitionerId: string;
  readonly institution: InstitutionFacts;
  readonly settings: EligibilitySettings;
  readonly at: Date;
}

export interface ChangePractice {
  readonly type: "ChangePractice";
  readonly practitionerId: string;
  readonly institution: InstitutionFacts;
  readonly settings: EligibilitySettings;
  readonly practice: PracticeInput;
  readonly at: Date;
}

export interface SuspendPractitioner {
  readonly type: "SuspendPractitioner";
  readonly practitionerId: string;
  readonly reason: string;
}

export interface ReinstatePractitioner {
  readonly type: "ReinstatePractitioner";
  readonly practitionerId: string;
}

export interface RevokePractitioner {
  readonly type: "RevokePractitioner";
  readonly practitionerId: string;
  readonly reason: string;
}

export interface RecordExit {
  readonly type: "RecordExit";
  readonly practitionerId: string;
}

/** Records CredentialExpired when the licence validity has passed at `at` and it was not recorded yet. */
export interface NoticeCredentialExpiry {
  readonly type: "NoticeCredentialExpiry";
  readonly practitionerId: string;
  readonly at: Date;
}

export type PractitionerCommand =
  | RegisterPractitioner
  | RecordRegistryLookup
  | RecordIdentityVerification
  | RecordPracticeDocument
  | EnablePractitioner
  | ChangePractice
  | SuspendPractitioner
  | ReinstatePractitioner
  | RevokePractitioner
  | RecordExit
  | NoticeCredentialExpiry;
