import type { JurisdictionCode } from "@ihp/jurisdiction";

/** CON-01: the only kinds of online care allowed. */
export const CONSULT_TYPES = ["FOLLOW_UP", "FAMILY_DOCTOR", "INVITED_CONSULTATION"] as const;
export type ConsultType = (typeof CONSULT_TYPES)[number];

/** CON-03: documents from a physical institution that can prove a prior definite diagnosis. */
export const PRIOR_RECORD_TYPES = [
  "OUTPATIENT_RECORD",
  "INPATIENT_RECORD",
  "DISCHARGE_SUMMARY",
  "DIAGNOSIS_CERTIFICATE",
] as const;
export type PriorRecordType = (typeof PRIOR_RECORD_TYPES)[number];

export type ConsultStatus =
  | "WAITING"
  | "ACCEPTED"
  | "IN_PROGRESS"
  | "COMPLETED"
  | "CANCELLED"
  | "EXPIRED"
  | "REFUSED"
  | "TERMINATED_REFERRED";

/** An ICD-10 diagnosis with the code system version it was coded in. Type alias: event data is plain JSON. */
export type Diagnosis = {
  readonly code: string;
  readonly name: string;
  readonly version: string;
};

/** CON-05: a diagnosis made in the consult, flagged against the verified prior set. */
export type ConsultDiagnosis = Diagnosis & { readonly flag: "CONFIRMED" | "NEW_DIAGNOSIS" };

/** CON-03: the record the patient relies on, as checked at request time. */
export type PriorRecord = {
  /** The uploaded document id or the HIS link id, whichever was given. */
  readonly recordId: string;
  readonly source: "UPLOAD" | "HIS";
  readonly recordType: PriorRecordType;
  /** Civil date the physical institution issued it (Beijing). */
  readonly recordDate: string;
  readonly issuingInstitution: string;
  /** The diagnoses the record states (what the physician verifies). */
  readonly diagnoses: Diagnosis[];
  /**
   * The patient's id in the institution's HIS (WS/T 500 header, REC-01): the HIS encounter's, for a record linked from
   * HIS. Absent for an upload (nothing vouches for a number the patient types) and on events written before it was kept.
   */
  readonly hisPatientId?: string;
};

/** CON-09: who invited, from which offline encounter, with the diagnoses made there. */
export type Invitation = {
  readonly invitingPhysicianId: string;
  readonly offlineEncounterId: string;
};

/**
 * A clinician's e-signature as identity's SignatureService returned it (IDN-09), kept on the event so anyone can
 * verify it later. value is base64, documentHash hex.
 */
export type StoredSignature = {
  readonly signerId: string;
  readonly certificateSerial: string;
  readonly algorithm: string;
  readonly value: string;
  readonly signedAt: string;
  readonly documentHash: string;
};

/** Consent text version the patient agreed to (CON-06): version and SHA-256 (hex) of the text. */
export type ConsentText = {
  readonly version: string;
  readonly sha256: string;
};

/** Settings that are configuration rather than law (the jurisdiction profile carries the law's numbers). */
export interface ConsultSettings {
  /** CON-08: ICD-10 codes (prefixes: "A00" covers A00.9) of Class-A and managed-as-Class-A diseases. */
  readonly classADiagnosisPrefixes: readonly string[];
  /** CON-07: the defined termination conditions. */
  readonly terminationReasons: readonly string[];
  /** How long a request waits for a physician before it expires. */
  readonly acceptanceWindowMinutes: number;
  /** CON-06: the consent text in force. */
  readonly currentConsent: ConsentText;
}

/** A consult as its events describe it. */
export interface Consult {
  readonly consultId: string;
  readonly institutionId: string;
  readonly jurisdiction: JurisdictionCode;
  readonly consultType: ConsultType;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  /** For a child: the verified guardian who requested and attends; "" for adults. */
  readonly guardianId: string;
  readonly requestedAt: string;
  /** When the physician accepted it; absent before (and in states folded by code older than this field). */
  readonly acceptedAt?: string;
  /** The instant after which nobody may accept it any more. */
  readonly acceptBy: string;
  readonly priorRecord: PriorRecord | null;
  readonly invitation: Invitation | null;
  readonly familyContractId: string;
  readonly status: ConsultStatus;
  readonly physicianId: string;
  /** CON-05: the diagnoses a prescription may rely on. */
  readonly confirmedDiagnoses: readonly Diagnosis[];
  readonly eligibility: "NOT_REQUIRED" | "PENDING" | "ELIGIBLE" | "INELIGIBLE";
  readonly consent: ConsentText | null;
  readonly terminationReason: string;
  readonly videoRoomId: string;
  readonly recording: "NONE" | "STARTED" | "STOPPED";
}
