import type { Caller } from "./caller.js";

/** What integration asks identity (ClinicalAccessService). */
export interface IdentityPort {
  /** The verified patient, or identity's refusal (PATIENT_NOT_FOUND, PATIENT_NOT_VERIFIED …), as the service itself. */
  verifiedPatient(patientId: string): Promise<{ readonly patientId: string; readonly birthDate: string; readonly sex: string }>;
  /** Whether the caller (a patient) is a verified guardian of the child, asked with the caller's own token. */
  checkGuardian(caller: Caller, guardianId: string, childId: string): Promise<boolean>;
  /**
   * Whether the caller (a physician in person) is treating the patient: identity's own signal behind
   * NO_CARE_RELATIONSHIP (a consult of theirs with the patient, open or recently ended), asked with the caller's token.
   */
  isTreating(caller: Caller, patientId: string): Promise<boolean>;
}
