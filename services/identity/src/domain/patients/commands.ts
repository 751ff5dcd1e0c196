import type { IdentityInput } from "./rules.js";
import type { ProtectedIdentity, VerificationMethod } from "./types.js";

/**
 * Registers a patient. The raw identity is checked here (rules.ts); what is stored is `protectedIdentity`, which the
 * application sealed from the same values with the patient's data key, plus the facts that are not identifying alone.
 */
export interface RegisterPatient extends IdentityInput {
  readonly type: "RegisterPatient";
  readonly patientId: string;
  readonly protectedIdentity: ProtectedIdentity;
  readonly at: Date;
}

/** The outcome of one real-name verification attempt, as the verification port answered it. */
export interface RecordVerification {
  readonly type: "RecordVerification";
  readonly patientId: string;
  readonly method: VerificationMethod;
  readonly passed: boolean;
  /** The provider's reference of the check (no images, no scores). */
  readonly providerReference: string;
  readonly at: Date;
}

/** Links a guardian to this patient (the child). The guardian's facts come from the guardian's own stream. */
export interface LinkGuardian {
  readonly type: "LinkGuardian";
  readonly childId: string;
  readonly guardianId: string;
  readonly guardian: { readonly birthDate: string; readonly verified: boolean } | undefined;
  readonly relationship: string;
  readonly evidenceReference: string;
  readonly at: Date;
}

/** Staff checked the evidence of a guardianship. */
export interface VerifyGuardianship {
  readonly type: "VerifyGuardianship";
  readonly childId: string;
  readonly guardianId: string;
  readonly method: string;
  readonly at: Date;
}

export type PatientCommand = RegisterPatient | RecordVerification | LinkGuardian | VerifyGuardianship;
