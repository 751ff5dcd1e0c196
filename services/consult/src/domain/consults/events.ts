import type { DomainEvent } from "@ihp/eventsourcing";
import type { JurisdictionCode } from "@ihp/jurisdiction";
import type { ConsultDiagnosis, ConsultType, Diagnosis, Invitation, PriorRecord, StoredSignature } from "./types.js";

// Event data are type aliases of plain JSON; what is stored is what the rules checked.

export type ConsultRequestedData = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly jurisdiction: JurisdictionCode;
  readonly consultType: ConsultType;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  readonly requestedBy: string;
  /** For a child: the verified guardian (and how they are related); "" for adults. */
  readonly guardianId: string;
  readonly guardianRelationship: string;
  readonly requestedAt: string;
  readonly acceptBy: string;
  readonly priorRecord: PriorRecord | null;
  readonly invitation: Invitation | null;
  readonly familyContractId: string;
  /** Diagnoses already confirmed offline for invited consultations and family-doctor contracts (CON-05). */
  readonly confirmedDiagnoses: Diagnosis[];
};

export type ConsultRequestRefusedData = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly requestedBy: string;
  readonly code: string;
  readonly kind: string;
  readonly ruleId: string;
  readonly refusedAt: string;
};

export type ConsultCancelledData = { readonly consultId: string; readonly cancelledBy: string; readonly cancelledAt: string };
export type ConsultExpiredData = { readonly consultId: string; readonly expiredAt: string };

export type ConsultAcceptedData = {
  readonly consultId: string;
  readonly physicianId: string;
  readonly stepUpId: string;
  readonly sessionId: string;
  readonly acceptedAt: string;
};

export type FollowUpEligibilityDecidedData = {
  readonly consultId: string;
  readonly physicianId: string;
  readonly eligible: boolean;
  readonly priorRecordId: string;
  readonly verifiedDiagnoses: Diagnosis[];
  /** FIRST_VISIT_NOT_ALLOWED when not eligible; "" otherwise. */
  readonly reasonCode: string;
  readonly signature: StoredSignature;
  readonly decidedAt: string;
};

export type ConsentGivenData = {
  readonly consultId: string;
  readonly givenBy: string;
  readonly consentVersion: string;
  readonly consentSha256: string;
  readonly givenAt: string;
};

export type ConsultStartedData = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly consultType: ConsultType;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly priorRecordId: string;
  readonly startedAt: string;
  /** REP-04 consult response time: when it was requested and accepted. Absent on events recorded before. */
  readonly requestedAt?: string;
  readonly acceptedAt?: string;
};

export type MessageSentData = {
  readonly consultId: string;
  readonly messageId: string;
  readonly senderId: string;
  readonly senderRole: "PATIENT" | "GUARDIAN" | "PHYSICIAN";
  readonly kind: "TEXT" | "IMAGE";
  readonly text: string;
  readonly mediaUri: string;
  readonly mediaSha256: string;
  readonly sentAt: string;
};

export type VideoRoomOpenedData = { readonly consultId: string; readonly roomId: string; readonly openedAt: string };
export type RecordingStartedData = { readonly consultId: string; readonly roomId: string; readonly startedAt: string };
export type RecordingStoppedData = { readonly consultId: string; readonly roomId: string; readonly stoppedAt: string };
export type RecordingStoredData = {
  readonly consultId: string;
  readonly roomId: string;
  readonly uri: string;
  readonly sha256: string;
  readonly durationSeconds: number;
  readonly storedAt: string;
};

export type ConsultCompletedData = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly physicianId: string;
  readonly summary: string;
  readonly diagnoses: ConsultDiagnosis[];
  readonly signature: StoredSignature;
  readonly completedAt: string;
};

export type ConsultTerminatedData = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly physicianId: string;
  readonly reasonCode: string;
  readonly terminatedAt: string;
};

/** CON-07: the notice guiding the patient to offline care; the app shows the text for adviceCode. */
export type ReferralNoticeIssuedData = {
  readonly consultId: string;
  readonly patientId: string;
  readonly reasonCode: string;
  readonly adviceCode: "VISIT_PHYSICAL_HOSPITAL" | "EMERGENCY_CARE" | "INFECTIOUS_DISEASE_HOSPITAL";
  readonly issuedAt: string;
};

export type ConsultRequested = DomainEvent<"ConsultRequested", ConsultRequestedData>;
export type ConsultRequestRefused = DomainEvent<"ConsultRequestRefused", ConsultRequestRefusedData>;
export type ConsultCancelled = DomainEvent<"ConsultCancelled", ConsultCancelledData>;
export type ConsultExpired = DomainEvent<"ConsultExpired", ConsultExpiredData>;
export type ConsultAccepted = DomainEvent<"ConsultAccepted", ConsultAcceptedData>;
export type FollowUpEligibilityDecided = DomainEvent<"FollowUpEligibilityDecided", FollowUpEligibilityDecidedData>;
export type ConsentGiven = DomainEvent<"ConsentGiven", ConsentGivenData>;
export type ConsultStarted = DomainEvent<"ConsultStarted", ConsultStartedData>;
export type MessageSent = DomainEvent<"MessageSent", MessageSentData>;
export type VideoRoomOpened = DomainEvent<"VideoRoomOpened", VideoRoomOpenedData>;
export type RecordingStarted = DomainEvent<"RecordingStarted", RecordingStartedData>;
export type RecordingStopped = DomainEvent<"RecordingStopped", RecordingStoppedData>;
export type RecordingStored = DomainEvent<"RecordingStored", RecordingStoredData>;
export type ConsultCompleted = DomainEvent<"ConsultCompleted", ConsultCompletedData>;
export type ConsultTerminated = DomainEvent<"ConsultTerminated", ConsultTerminatedData>;
export type ReferralNoticeIssued = DomainEvent<"ReferralNoticeIssued", ReferralNoticeIssuedData>;

export type ConsultEvent =
  | ConsultRequested
  | ConsultRequestRefused
  | ConsultCancelled
  | ConsultExpired
  | ConsultAccepted
  | FollowUpEligibilityDecided
  | ConsentGiven
  | ConsultStarted
  | MessageSent
  | VideoRoomOpened
  | RecordingStarted
  | RecordingStopped
  | RecordingStored
  | ConsultCompleted
  | ConsultTerminated
  | ReferralNoticeIssued;

export const CONSULT_EVENT_TYPES: ReadonlySet<string> = new Set<ConsultEvent["type"]>([
  "ConsultRequested",
  "ConsultRequestRefused",
  "ConsultCancelled",
  "ConsultExpired",
  "ConsultAccepted",
  "FollowUpEligibilityDecided",
  "ConsentGiven",
  "ConsultStarted",
  "MessageSent",
  "VideoRoomOpened",
  "RecordingStarted",
  "RecordingStopped",
  "RecordingStored",
  "ConsultCompleted",
  "ConsultTerminated",
  "ReferralNoticeIssued",
]);

export function isConsultEventType(type: string): type is ConsultEvent["type"] {
  return CONSULT_EVENT_TYPES.has(type);
}
