import { canonicalJson, DomainError, type EventStore, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, describeError, type Role } from "@ihp/platform";
import {
  type Consult,
  type ConsultCommand,
  type ConsultSettings,
  type Diagnosis,
  type FamilyContractFacts,
  type GuardianFacts,
  type MessageSentData,
  type PriorRecordInput,
  type InvitationInput,
  type StoredSignature,
  consultDecider,
} from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import { type ConsultView, loadConsult, stateOf, toConsultEvent } from "./consultEvents.js";
import type { FamilyContracts } from "./familyContracts.js";
import { consultStreamId, derivedId, requireConsultId, requireInstitutionId, requirePartyId, requireRequestId } from "./ids.js";
import { requireClinician, requireParticipant, requirePatient, requireSystem } from "./policy.js";
import { resolveHisPriorRecord } from "./hisPriorRecord.js";
import type { HisEncounterPort, IdentityPort, RtcPort, RtcToken } from "./ports.js";
import { jurisdictionCode, profileFor } from "./profiles.js";
import { consultResource, isRefusal, recordingRefusals } from "./refusals.js";
import { requireNotSuspended, type SuspensionPort } from "./suspensions.js";

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

const UNSIGNED: StoredSignature = { signerId: "", certificateSerial: "", algorithm: "", value: "", signedAt: "", documentHash: "" };

interface Execution {
  readonly consultId: string;
  readonly requestId: string;
  readonly role: Role;
  readonly institutionId: string;
  readonly profileVersion: string | undefined;
  readonly command: ConsultCommand;
}

/**
 * The consult command handlers: authorize (deny by default) → check ids → load the consult → ask identity what
 * only identity knows → read, fold, decide, append (handleCommand, idempotent by request id). Every refusal is
 * recorded in the audit trail before it is returned; a refused request also leaves ConsultRequestRefused.
 */
export function createConsultCommands(options: ConsultCommandsOptions): ConsultCommands {
  const { store, audit, identity, rtc, settings, clock } = options;

  async function execute(caller: Caller, run: Execution): Promise<{ view: ConsultView; events: readonly StoredEvent[] }> {
    const events = await append(caller, run);
    return { view: await loadConsult(store, run.consultId), events };
  }

  async function append(caller: Caller, run: Execution): Promise<readonly StoredEvent[]> {
    const result = await handleCommand(
      store,
      consultDecider,
      {
        streamId: consultStreamId(run.consultId),
        command: run.command,
        metadata: {
          actorId: caller.principal.subject,
          actorRole: run.role,
          tenantId: run.institutionId,
          correlationId: caller.correlationId,
          causationId: run.requestId,
          ...caller.trace,
          ...(run.profileVersion === undefined ? {} : { profileVersion: run.profileVersion }),
        },
        requestId: run.requestId,
        now: "at" in run.command ? run.command.at : clock(),
      },
      { newEventId: options.newEventId, toDomainEvent: toConsultEvent },
    );
    return result.events;
  }

  /** Loads the consult and builds the clinician's execution: IDN-03 human, own institution, assigned (decider). */
  async function asClinician(caller: Caller, input: ConsultRef) {
    requireClinician(caller.principal);
    const consultId = requireConsultId(input.consultId);
    const requestId = requireRequestId(input.requestId);
    const { consult } = await loadConsult(store, consultId);
    requireClinician(caller.principal, consult.institutionId);
    const now = clock();
    const profileVersion = profileFor(consult.jurisdiction, now).version;
    return { consult, consultId, requestId, now, profileVersion, role: "physician" as Role };
  }

  async function asPatientSide(caller: Caller, input: ConsultRef) {
    const role = requirePatient(caller.principal);
    const consultId = requireConsultId(input.consultId);
    const requestId = requireRequestId(input.requestId);
    const { consult } = await loadConsult(store, consultId);
    return { consult, consultId, requestId, now: clock(), role };
  }

  async function signed(caller: Caller, documentType: string, documentId: string, requestId: string, document: unknown): Promise<StoredSignature> {
    const canonicalDocument = canonicalJson(document);
    const signature = await identity.sign(caller, { requestId, documentType, documentId, canonicalDocument, boundTo: { kind: "CONSULT", id: documentId } });
    // IDN-08/09: the signature must be the acting clinician's own and valid now, or it is not stored.
    const check = await identity.verify(caller, { canonicalDocument, signature, expectedSignerId: caller.principal.subject });
    if (!check.valid) throw refusal("SIGNATURE_NOT_VALID");
    return signature;
  }

  /**
   * Decides the command on the current state with a placeholder signature, so that nothing is signed (and no
   * signature is spent) for an act the rules refuse; the real decision runs again on append.
   */
  function probe(consult: Consult, command: (signature: StoredSignature) => ConsultCommand): void {
    const outcome = consultDecider.decide(command(UNSIGNED), { status: "exists", consult });
    if (outcome instanceof DomainError) throw outcome;
  }

  /** A request id already handled on this stream: answer as the first time (the consult, or the recorded refusal). */
  async function repeated(consultId: string, requestId: string): Promise<ConsultView | undefined> {
    const history = await store.readStream(consultStreamId(consultId));
    if (!history.some((event) => event.metadata.requestId === requestId)) return undefined;
    const state = stateOf(history);
    if (state.status === "refused") {
      const refusedEvent = history.find((event) => event.type === "ConsultRequestRefused");
      const data = refusedEvent?.data as { code?: string; kind?: string; ruleId?: string } | undefined;
      const code = data?.code ?? "FAILED_PRECONDITION";
      const kind = (data?.kind ?? "FAILED_PRECONDITION") as DomainError["kind"];
      throw new DomainError(code, kind, describeError(code, kind).en, data?.ruleId === "" ? undefined : data?.ruleId);
    }
    return loadConsult(store, consultId);
  }

  async function guardianFacts(caller: Caller, patientId: string): Promise<GuardianFacts | null> {
    const requester = caller.principal.subject;
    if (requester === patientId) return null;
    const check = await identity.checkGuardian(caller, requester, patientId);
    return { guardianId: requester, verified: check.verified, relationship: check.relationship };
  }

  async function familyContract(contractId: string, now: Date): Promise<FamilyContractFacts | null> {
    if (contractId.trim() === "") return null;
    return options.contracts.facts(contractId.trim(), now);
  }

  return {
    request(caller, input) {
      const requester = caller.principal.subject;
      const validRequest = /^[A-Za-z0-9._:-]{8,128}$/.test(input.requestId);
      const consultId = validRequest ? derivedId("consult", requester, input.requestId) : "";
      return recordingRefusals(audit, caller, "RequestConsult", consultResource(consultId), async () => {
        const role = requirePatient(caller.principal);
        const requestId = requireRequestId(input.requestId);
        const institutionId = requireInstitutionId(input.institutionId);
        const patientId = requirePartyId(input.patientId);
        const earlier = await repeated(consultId, requestId);
        if (earlier !== undefined) return earlier;
        const now = clock();
        let profileVersion: string | undefined;
        try {
          const institution = await identity.institution(caller, institutionId);
          await requireNotSuspended(options.suspensions, { institutionId, departmentCode: input.departmentCode });
          const jurisdiction = jurisdictionCode(institution.jurisdiction);
          const profile = profileFor(jurisdiction, now);
          profileVersion = profile.version;
          const patient = await identity.verifiedPatient(caller, patientId);
          const guardian = await guardianFacts(caller, patientId);
          const priorRecord = await resolveHisPriorRecord(options.hisEncounters, caller, input.priorRecord, institutionId, patientId);
          const contract = input.consultType === "FAMILY_DOCTOR" ? await familyContract(input.familyContractId, now) : null;
          const { view } = await execute(caller, {
            consultId,
            requestId,
            role,
            institutionId,
            profileVersion,
            command: {
              type: "RequestConsult",
              consultId,
              requestedBy: requester,
              consultType: input.consultType,
              departmentCode: input.departmentCode,
              institution: { ...institution, jurisdiction },
              patient,
              guardian,
              priorRecord,
              invitation: input.invitation,
              familyContractId: input.familyContractId,
              familyContract: contract,
              triageFlags: input.triageFlags,
              profile,
              settings,
              at: now,
            },
          });
          return view;
        } catch (error) {
          if (!isRefusal(error)) throw error;
          // XC-02, REP-04: the refused request is itself a fact of the consult log, fed and audited like the rest.
          await append(caller, {
            consultId,
            requestId,
            role,
            institutionId,
            profileVersion,
            command: {
              type: "RecordRefusedRequest",
              consultId,
              institutionId,
              consultType: input.consultType.slice(0, 64),
              departmentCode: input.departmentCode.slice(0, 16),
              patientId,
              requestedBy: requester,
              code: error.code,
              kind: error.kind === "INTERNAL" ? "FAILED_PRECONDITION" : error.kind,
              ruleId: error.ruleId ?? "",
              at: now,
            },
          });
          throw error;
        }
      });
    },

    cancel(caller, input) {
      return recordingRefusals(audit, caller, "CancelConsult", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, role } = await asPatientSide(caller, input);
        const command: ConsultCommand = { type: "CancelConsult", consultId, cancelledBy: caller.principal.subject, at: now };
        return (await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion: undefined, command })).view;
      });
    },

    giveConsent(caller, input) {
      return recordingRefusals(audit, caller, "GiveConsent", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, role } = await asPatientSide(caller, input);
        const command: ConsultCommand = {
          type: "GiveConsent",
          consultId,
          givenBy: caller.principal.subject,
          consentVersion: input.consentVersion,
          consentSha256: input.consentSha256,
          current: settings.currentConsent,
          at: now,
        };
        return (await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion: undefined, command })).view;
      });
    },

    accept(caller, input) {
      return recordingRefusals(audit, caller, "AcceptConsult", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, profileVersion, role } = await asClinician(caller, input);
        const earlier = await repeated(consultId, requestId);
        if (earlier !== undefined) return earlier;
        // Refuse what the consult's own state refuses before asking identity (no step-up is consumed for nothing).
        if (consult.status === "ACCEPTED" || consult.status === "IN_PROGRESS") throw refusal("CONSULT_ALREADY_ACCEPTED");
        const { regulatorConnected } = await identity.institution(caller, consult.institutionId);
        const scope = { institutionId: consult.institutionId, clinicianId: caller.principal.subject, departmentCode: consult.departmentCode };
        await requireNotSuspended(options.suspensions, scope);
        const grant = await identity.checkReceiving(caller, {
          practitionerId: caller.principal.subject,
          institutionId: consult.institutionId,
          departmentCode: consult.departmentCode,
          consultId,
          patientId: consult.patientId,
        });
        const command: ConsultCommand = {
          type: "AcceptConsult",
          consultId,
          physicianId: caller.principal.subject,
          stepUpId: grant.stepUpId,
          sessionId: grant.sessionId,
          regulatorConnected,
          at: now,
        };
        return (await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion, command })).view;
      });
    },

    decideEligibility(caller, input) {
      return recordingRefusals(audit, caller, "DecideEligibility", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, profileVersion, role } = await asClinician(caller, input);
        const earlier = await repeated(consultId, requestId);
        if (earlier !== undefined) return { view: earlier, signature: undefined };
        const decide = (signature: StoredSignature): ConsultCommand => ({
          type: "DecideEligibility",
          consultId,
          physicianId: caller.principal.subject,
          eligible: input.eligible,
          verifiedDiagnoses: input.verifiedDiagnoses,
          signature,
          settings,
          at: now,
        });
        probe(consult, decide);
        const document = {
          documentType: "FOLLOW_UP_ELIGIBILITY",
          consultId,
          physicianId: caller.principal.subject,
          priorRecordId: consult.priorRecord?.recordId ?? "",
          eligible: input.eligible,
          verifiedDiagnoses: input.verifiedDiagnoses.map(({ code, name, version }) => ({ code, name, version })),
        };
        const signature = await signed(caller, "FOLLOW_UP_ELIGIBILITY", consultId, requestId, document);
        const command = decide(signature);
        const { view } = await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion, command });
        return { view, signature };
      });
    },

    start(caller, input) {
      return recordingRefusals(audit, caller, "StartConsult", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, profileVersion, role } = await asClinician(caller, input);
        await requireNotSuspended(options.suspensions, { institutionId: consult.institutionId, clinicianId: caller.principal.subject, departmentCode: consult.departmentCode });
        const command: ConsultCommand = { type: "StartConsult", consultId, physicianId: caller.principal.subject, at: now };
        return (await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion, command })).view;
      });
    },

    sendMessage(caller, input) {
      return recordingRefusals(audit, caller, "SendMessage", consultResource(input.consultId), async () => {
        const role = requireParticipant(caller.principal);
        const consultId = requireConsultId(input.consultId);
        const requestId = requireRequestId(input.requestId);
        const { consult } = await loadConsult(store, consultId);
        const content =
          input.kind === "IMAGE"
            ? { kind: "IMAGE" as const, uri: input.mediaUri, sha256: input.mediaSha256 }
            : input.kind === "TEXT"
              ? { kind: "TEXT" as const, text: input.text }
              : undefined;
        if (content === undefined) throw refusal("INVALID_MESSAGE");
        const command: ConsultCommand = {
          type: "SendMessage",
          consultId,
          messageId: derivedId("message", caller.principal.subject, requestId),
          senderId: caller.principal.subject,
          content,
          at: clock(),
        };
        const { events } = await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion: undefined, command });
        const sent = events.find((event) => event.type === "MessageSent");
        if (sent === undefined) throw new Error("SendMessage appended no MessageSent");
        return sent.data as unknown as MessageSentData;
      });
    },

    joinVideo(caller, input) {
      return recordingRefusals(audit, caller, "JoinVideo", consultResource(input.consultId), async () => {
        const role = requireParticipant(caller.principal);
        const consultId = requireConsultId(input.consultId);
        const requestId = requireRequestId(input.requestId);
        const { consult } = await loadConsult(store, consultId);
        // Check membership and state before creating anything at the RTC provider.
        const probe = consultDecider.decide(
          { type: "OpenVideoRoom", consultId, participantId: caller.principal.subject, roomId: consult.videoRoomId || "probe", at: clock() },
          { status: "exists", consult },
        );
        if (probe instanceof DomainError) throw probe;
        let roomId = consult.videoRoomId;
        if (roomId === "") {
          roomId = (await rtc.createRoom(consultId)).roomId;
          const command: ConsultCommand = { type: "OpenVideoRoom", consultId, participantId: caller.principal.subject, roomId, at: clock() };
          const { view } = await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion: undefined, command });
          // Two first joins may race: the room the log kept is the one everybody uses.
          if (view.consult.videoRoomId !== roomId) await rtc.closeRoom(roomId);
          roomId = view.consult.videoRoomId;
        }
        return { roomId, token: await rtc.issueToken(roomId, caller.principal.subject, role) };
      });
    },

    storeRecording(caller, input) {
      return recordingRefusals(audit, caller, "StoreRecording", consultResource(input.consultId), async () => {
        const role = requireSystem(caller.principal);
        const consultId = requireConsultId(input.consultId);
        const requestId = requireRequestId(input.requestId);
        const { consult } = await loadConsult(store, consultId);
        const command: ConsultCommand = { type: "StoreRecording", consultId, roomId: input.roomId, uri: input.uri, sha256: input.sha256, durationSeconds: input.durationSeconds, at: clock() };
        return (await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion: undefined, command })).view;
      });
    },

    complete(caller, input) {
      return recordingRefusals(audit, caller, "CompleteConsult", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, profileVersion, role } = await asClinician(caller, input);
        const earlier = await repeated(consultId, requestId);
        if (earlier !== undefined) return { view: earlier, signature: undefined };
        const completion = (signature: StoredSignature): ConsultCommand => ({
          type: "CompleteConsult",
          consultId,
          physicianId: caller.principal.subject,
          summary: input.summary,
          diagnoses: input.diagnoses,
          signature,
          settings,
          at: now,
        });
        probe(consult, completion);
        const document = {
          documentType: "CONSULT_SUMMARY",
          consultId,
          physicianId: caller.principal.subject,
          summary: input.summary.trim(),
          diagnoses: input.diagnoses.map(({ code, name, version }) => ({ code, name, version })),
        };
        const signature = await signed(caller, "CONSULT_SUMMARY", consultId, requestId, document);
        const command = completion(signature);
        const { view } = await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion, command });
        if (consult.videoRoomId !== "") await rtc.closeRoom(consult.videoRoomId);
        return { view, signature };
      });
    },

    terminate(caller, input) {
      return recordingRefusals(audit, caller, "TerminateConsult", consultResource(input.consultId), async () => {
        const { consult, consultId, requestId, now, profileVersion, role } = await asClinician(caller, input);
        const command: ConsultCommand = { type: "TerminateConsult", consultId, physicianId: caller.principal.subject, reasonCode: input.reasonCode, settings, at: now };
        const { view } = await execute(caller, { consultId, requestId, role, institutionId: consult.institutionId, profileVersion, command });
        if (consult.videoRoomId !== "") await rtc.closeRoom(consult.videoRoomId);
        return view;
      });
    },

    async expire(caller, rawId) {
      const role = requireSystem(caller.principal);
      const consultId = requireConsultId(rawId);
      const { consult } = await loadConsult(store, consultId);
      const command: ConsultCommand = { type: "ExpireConsult", consultId, at: clock() };
      return (await execute(caller, { consultId, requestId: `expire:${consultId}`, role, institutionId: consult.institutionId, profileVersion: undefined, command })).view;
    },
  };
}
