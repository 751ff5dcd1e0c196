import type { EventStore } from "@ihp/eventsourcing";
import type { AuditTrail } from "@ihp/platform";
import type { ConsultSettings, Diagnosis, InvitationInput, MessageSentData, PriorRecordInput, StoredSignature } from "../domain/consults/index.js";
import type { Caller } from "./caller.js";
import type { ConsultView } from "./consultEvents.js";
import type { FamilyContracts } from "./familyContracts.js";
import type { HisEncounterPort, IdentityPort, RtcPort, RtcToken } from "./ports.js";
import type { SuspensionPort } from "./suspensions.js";

// What the consult command handlers (consultCommands.ts) take and answer.

export interface ConsultCommandsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly identity: IdentityPort;
  readonly rtc: RtcPort;
  readonly contracts: FamilyContracts;
  /** CON-03 records linked from HIS; unset: a HIS-linked record is taken as the client states it (no integration). */
  readonly hisEncounters?: HisEncounterPort;
  /** REP-06 suspensions by serious adverse events; unset: no check (no reporting service). */
  readonly suspensions?: SuspensionPort;
  readonly settings: ConsultSettings;
  readonly clock: () => Date;
  readonly newEventId: () => string;
}

export interface RequestConsultInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly priorRecord: PriorRecordInput | null;
  readonly invitation: InvitationInput | null;
  readonly familyContractId: string;
  readonly triageFlags: readonly string[];
}

export interface ConsultRef {
  readonly requestId: string;
  readonly consultId: string;
}

export type MessageInput = ConsultRef & { readonly kind: string; readonly text: string; readonly mediaUri: string; readonly mediaSha256: string };

export interface SignedResult {
  readonly view: ConsultView;
  readonly signature: StoredSignature | undefined;
}

export interface RecordingInput extends ConsultRef {
  readonly roomId: string;
  readonly uri: string;
  readonly sha256: string;
  readonly durationSeconds: number;
}

export interface ConsultCommands {
  request(caller: Caller, input: RequestConsultInput): Promise<ConsultView>;
  cancel(caller: Caller, input: ConsultRef): Promise<ConsultView>;
  giveConsent(caller: Caller, input: ConsultRef & { consentVersion: string; consentSha256: string }): Promise<ConsultView>;
  accept(caller: Caller, input: ConsultRef): Promise<ConsultView>;
  decideEligibility(caller: Caller, input: ConsultRef & { eligible: boolean; verifiedDiagnoses: readonly Diagnosis[] }): Promise<SignedResult>;
  start(caller: Caller, input: ConsultRef): Promise<ConsultView>;
  sendMessage(caller: Caller, input: MessageInput): Promise<MessageSentData>;
  joinVideo(caller: Caller, input: ConsultRef): Promise<{ roomId: string; token: RtcToken }>;
  storeRecording(caller: Caller, input: RecordingInput): Promise<ConsultView>;
  complete(caller: Caller, input: ConsultRef & { summary: string; diagnoses: readonly Diagnosis[] }): Promise<SignedResult>;
  terminate(caller: Caller, input: ConsultRef & { reasonCode: string }): Promise<ConsultView>;
  /** Expires one overdue consult (the sweep's step); refusals such as CONSULT_NOT_EXPIRED are returned, not recorded. */
  expire(caller: Caller, consultId: string): Promise<ConsultView>;
}
