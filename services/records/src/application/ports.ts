import type { Caller } from "./caller.js";

/** A completed consult's clinical source, as consult's ConsultRecordSourceService returns it (REC-01). */
export interface ConsultSource {
  readonly consultId: string;
  readonly institutionId: string;
  readonly jurisdiction: string;
  readonly departmentCode: string;
  readonly consultType: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  readonly physicianId: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly summary: string;
  readonly diagnoses: readonly { readonly code: string; readonly name: string; readonly version: string }[];
  readonly priorRecordId: string;
  /** The patient's id in the institution's HIS when the prior record was linked from HIS; empty (or absent) otherwise. */
  readonly hisPatientId?: string | undefined;
  readonly transcript: readonly { readonly messageId: string; readonly senderRole: string; readonly kind: string; readonly text: string; readonly mediaUri: string; readonly mediaSha256: string; readonly sentAt: string }[];
  /** Stored audio/video recordings of the consult, by URI and SHA-256 (consult keeps the bytes). */
  readonly recordings?: readonly { readonly uri: string; readonly sha256: string; readonly durationSeconds: number; readonly storedAt: string }[] | undefined;
}

/** What the records service reads from consult, with its own `records` credential. */
export interface ConsultPort {
  recordSource(consultId: string): Promise<ConsultSource>;
}

/** A clinician's e-signature from identity's SignatureService (IDN-09), over the canonical document. */
export interface IdentitySignature {
  readonly signerId: string;
  readonly algorithm: string;
  readonly certificateSerial: string;
  /** base64 */
  readonly value: string;
  /** hex */
  readonly documentHash: string;
  readonly signedAt: string;
}

/** What the records service asks identity. */
export interface IdentityPort {
  /** A practitioner's name and title, asked on the service's own behalf (or the practitioner's own token). */
  practitioner(practitionerId: string): Promise<{ readonly name: string; readonly title: string }>;
  /**
   * The patient part of a record header (REC-01): name, birth date and sex of a patient of the institution, asked with
   * the records service's own `records` credential. `erased`: the patient's identity was erased (name is a marker).
   */
  patientForRecord(patientId: string, institutionId: string): Promise<{ readonly name: string; readonly erased: boolean }>;
  /** Whether the caller (a patient) is a verified guardian of the (minor) patient, asked with the caller's token. */
  checkGuardian(caller: Caller, guardianId: string, childId: string): Promise<boolean>;
  /**
   * IDN-08: the caller (a clinician) is in their current, active login session — SESSION_REQUIRED,
   * SESSION_SUPERSEDED, SESSION_IDLE_EXPIRED otherwise. Asked with the records service's token and the clinician's
   * (CheckSession) before a clinical write that is not signed.
   */
  checkSession(caller: Caller): Promise<void>;
  /**
   * The caller's own signature over the document (document type OUTPATIENT_RECORD, step-up bound to the consult):
   * submitted with the records service's token, signed with the clinician's.
   */
  sign(caller: Caller, request: { readonly requestId: string; readonly documentId: string; readonly canonicalDocument: string; readonly consultId: string }): Promise<IdentitySignature>;
}
