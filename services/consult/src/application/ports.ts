import type { StoredSignature } from "../domain/consults/index.js";
import type { Caller } from "./caller.js";

/** An institution as consult needs it (REP-01, IDN-06, XC-08). */
export interface InstitutionInfo {
  readonly institutionId: string;
  readonly jurisdiction: string;
  readonly subjectCodes: readonly string[];
  readonly regulatorConnected: boolean;
}

export interface ReceivingCheck {
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly departmentCode: string;
  readonly consultId: string;
  readonly patientId: string;
}

/** Identity's go-ahead to receive a patient (IDN-01 … IDN-06, IDN-03 step-up, IDN-08 session). */
export interface ReceivingGrant {
  readonly practitionerId: string;
  readonly stepUpId: string;
  readonly sessionId: string;
  /**
   * REP-01: the institution's regulator connection as identity read it for this check; undefined from an identity
   * that gives none (the caller then asks `institution`).
   */
  readonly regulatorConnected: boolean | undefined;
}

export interface VerifiedPatient {
  readonly patientId: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly verificationMethod: string;
}

export interface GuardianCheck {
  readonly verified: boolean;
  readonly relationship: string;
}

export interface SignRequest {
  readonly requestId: string;
  /** FOLLOW_UP_ELIGIBILITY, CONSULT_SUMMARY, FAMILY_DOCTOR_CONTRACT. */
  readonly documentType: string;
  readonly documentId: string;
  /** Canonical JSON (canonicalJson of @ihp/eventsourcing). */
  readonly canonicalDocument: string;
  /** What the physician's step-up must be bound to (IDN-03): the consult, or the patient of a proposed contract. */
  readonly boundTo: { readonly kind: "CONSULT" | "PATIENT"; readonly id: string };
}

export interface VerifyRequest {
  readonly canonicalDocument: string;
  readonly signature: StoredSignature;
  readonly expectedSignerId: string;
}

/**
 * Everything consult asks identity, as the caller (their token is forwarded). Every failure is a thrown error with
 * identity's stable code (CLINICIAN_NOT_REGISTERED, OUT_OF_SCOPE, STEP_UP_REQUIRED, HUMAN_CLINICIAN_REQUIRED,
 * PATIENT_NOT_VERIFIED, NO_VALID_SIGNING_CERT, INSTITUTION_NOT_FOUND, …), passed on to the caller unchanged.
 */
export interface SignatureVerdict {
  readonly valid: boolean;
  readonly reasonCode: string;
}

/** A signature as identity made it, with its verdict on it; `verification` is absent from an identity that gives none. */
export interface SignedDocument {
  readonly signature: StoredSignature;
  readonly verification: SignatureVerdict | undefined;
}

export interface IdentityPort {
  institution(caller: Caller, institutionId: string): Promise<InstitutionInfo>;
  checkReceiving(caller: Caller, check: ReceivingCheck): Promise<ReceivingGrant>;
  /**
   * IDN-08: the calling clinician is in their current, active login session (SESSION_REQUIRED, SESSION_SUPERSEDED,
   * SESSION_IDLE_EXPIRED otherwise); no step-up. Asked under consult's own service token with the clinician's as the
   * person's (access.proto, CheckSession) before a clinician act that neither receives the patient nor is signed.
   */
  checkSession(caller: Caller): Promise<void>;
  /** IDN-07: refused with PATIENT_NOT_VERIFIED when real-name verification has not passed. */
  verifiedPatient(caller: Caller, patientId: string): Promise<VerifiedPatient>;
  checkGuardian(caller: Caller, guardianId: string, childId: string): Promise<GuardianCheck>;
  /**
   * IDN-09: the calling practitioner signs with their own key a document consult built from its own state, submitted
   * under consult's own service token with the practitioner's as the signer's (access.proto, SignatureService).
   */
  sign(caller: Caller, request: SignRequest): Promise<SignedDocument>;
  verify(caller: Caller, request: VerifyRequest): Promise<SignatureVerdict>;
}

/** A participant's credential for the consult's audio/video room. */
export interface RtcToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Audio/video rooms. A room records from creation until it is closed (REC-03 media retention, XC-07); the provider
 * reports the stored recording back through StoreRecording.
 */
export interface RtcPort {
  createRoom(consultId: string): Promise<{ readonly roomId: string }>;
  issueToken(roomId: string, participantId: string, role: string): Promise<RtcToken>;
  closeRoom(roomId: string): Promise<void>;
}

/** CON-03: an offline encounter the institution's HIS recorded (integration service), as consult needs it. */
export interface HisEncounter {
  readonly encounterId: string;
  readonly institutionId: string;
  readonly patientId: string;
  /** The patient's id in the institution's HIS. */
  readonly hisPatientId: string;
  readonly encounterDate: string;
  readonly recordType: string;
  readonly diagnoses: readonly { readonly code: string; readonly name: string; readonly version: string }[];
}

/** The integration service's encounters, read as the caller (their token is forwarded). Null: no such encounter. */
export interface HisEncounterPort {
  encounter(caller: Caller, institutionId: string, encounterId: string): Promise<HisEncounter | null>;
}
