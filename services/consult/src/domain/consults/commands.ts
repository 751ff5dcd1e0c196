import type { JurisdictionCode, JurisdictionProfile } from "@ihp/jurisdiction";
import type { ConsentText, ConsultSettings, Diagnosis, StoredSignature } from "./types.js";

/**
 * Commands as the application builds them: raw input as received (checking it is the decider's job) plus the facts
 * the application fetched from identity (institution, verified patient, guardianship), which the decider judges.
 * Ids and time come from outside.
 */

/** The institution as identity reports it (REP-01, IDN-06). */
export interface InstitutionFacts {
  readonly institutionId: string;
  readonly jurisdiction: JurisdictionCode;
  readonly subjectCodes: readonly string[];
  readonly regulatorConnected: boolean;
}

/** The patient's verified identity (IDN-07): identity refuses unverified patients before this is built. */
export interface PatientFacts {
  readonly patientId: string;
  readonly birthDate: string;
  readonly sex: string;
}

/** Identity's answer to "is the requester a verified guardian of this patient?"; null when nobody was asked. */
export interface GuardianFacts {
  readonly guardianId: string;
  readonly verified: boolean;
  readonly relationship: string;
}

export interface PriorRecordInput {
  readonly documentId: string;
  readonly hisLinkId: string;
  readonly recordType: string;
  readonly recordDate: string;
  readonly issuingInstitution: string;
  readonly diagnoses: readonly Diagnosis[];
  /** Set only by resolveHisPriorRecord, from the HIS encounter; never taken from the client. */
  readonly hisPatientId?: string;
}

export interface InvitationInput {
  readonly invitingPhysicianId: string;
  readonly offlineEncounterId: string;
  /** The diagnoses the inviting physician made at the offline encounter. */
  readonly diagnoses: readonly Diagnosis[];
}

/** CON-10: the family-doctor contract named in the request, as of the request time; null when none was found. */
export interface FamilyContractFacts {
  readonly contractId: string;
  readonly patientId: string;
  readonly institutionId: string;
  readonly active: boolean;
  readonly coveredDiagnoses: readonly Diagnosis[];
}

export interface RequestConsult {
  readonly type: "RequestConsult";
  readonly consultId: string;
  /** The authenticated requester: the patient, or a child's guardian. */
  readonly requestedBy: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly institution: InstitutionFacts;
  readonly patient: PatientFacts;
  readonly guardian: GuardianFacts | null;
  readonly priorRecord: PriorRecordInput | null;
  readonly invitation: InvitationInput | null;
  /** Set when the request names a contract; null when it names none. */
  readonly familyContractId: string;
  readonly familyContract: FamilyContractFacts | null;
  readonly triageFlags: readonly string[];
  readonly profile: JurisdictionProfile;
  readonly settings: ConsultSettings;
  readonly at: Date;
}

/** Records a refused request (XC-02) so it can be audited and fed to the regulator. */
export interface RecordRefusedRequest {
  readonly type: "RecordRefusedRequest";
  readonly consultId: string;
  readonly institutionId: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly requestedBy: string;
  readonly code: string;
  /** The refusal's kind, so a repeated request id is answered with the same status. */
  readonly kind: string;
  readonly ruleId: string;
  readonly at: Date;
}

export interface CancelConsult {
  readonly type: "CancelConsult";
  readonly consultId: string;
  readonly cancelledBy: string;
  readonly at: Date;
}

export interface ExpireConsult {
  readonly type: "ExpireConsult";
  readonly consultId: string;
  readonly at: Date;
}

export interface AcceptConsult {
  readonly type: "AcceptConsult";
  readonly consultId: string;
  readonly physicianId: string;
  /** From identity's CheckReceiving (IDN-03, IDN-08). */
  readonly stepUpId: string;
  readonly sessionId: string;
  /** REP-01: the institution's connection to the supervision platform now (it may have dropped since the request). */
  readonly regulatorConnected: boolean;
  readonly at: Date;
}

export interface DecideEligibility {
  readonly type: "DecideEligibility";
  readonly consultId: string;
  readonly physicianId: string;
  readonly eligible: boolean;
  /** The diagnoses the physician verified on the prior record (CON-03, CON-05). */
  readonly verifiedDiagnoses: readonly Diagnosis[];
  readonly signature: StoredSignature;
  readonly settings: ConsultSettings;
  readonly at: Date;
}

export interface GiveConsent {
  readonly type: "GiveConsent";
  readonly consultId: string;
  readonly givenBy: string;
  readonly consentVersion: string;
  readonly consentSha256: string;
  readonly current: ConsentText;
  readonly at: Date;
}

export interface StartConsult {
  readonly type: "StartConsult";
  readonly consultId: string;
  readonly physicianId: string;
  readonly at: Date;
}

export type MessageContent =
  | { readonly kind: "TEXT"; readonly text: string }
  | { readonly kind: "IMAGE"; readonly uri: string; readonly sha256: string };

export interface SendMessage {
  readonly type: "SendMessage";
  readonly consultId: string;
  readonly messageId: string;
  readonly senderId: string;
  readonly content: MessageContent;
  readonly at: Date;
}

export interface OpenVideoRoom {
  readonly type: "OpenVideoRoom";
  readonly consultId: string;
  readonly participantId: string;
  /** The room the RTC port created (used only when the consult has none yet). */
  readonly roomId: string;
  readonly at: Date;
}

export interface StoreRecording {
  readonly type: "StoreRecording";
  readonly consultId: string;
  readonly roomId: string;
  readonly uri: string;
  readonly sha256: string;
  readonly durationSeconds: number;
  readonly at: Date;
}

export interface CompleteConsult {
  readonly type: "CompleteConsult";
  readonly consultId: string;
  readonly physicianId: string;
  readonly summary: string;
  readonly diagnoses: readonly Diagnosis[];
  readonly signature: StoredSignature;
  readonly settings: ConsultSettings;
  readonly at: Date;
}

export interface TerminateConsult {
  readonly type: "TerminateConsult";
  readonly consultId: string;
  readonly physicianId: string;
  readonly reasonCode: string;
  readonly settings: ConsultSettings;
  readonly at: Date;
}

export type ConsultCommand =
  | RequestConsult
  | RecordRefusedRequest
  | CancelConsult
  | ExpireConsult
  | AcceptConsult
  | DecideEligibility
  | GiveConsent
  | StartConsult
  | SendMessage
  | OpenVideoRoom
  | StoreRecording
  | CompleteConsult
  | TerminateConsult;
