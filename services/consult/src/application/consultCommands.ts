import { type Acting, commandPipeline, DomainError, isRequestId, type StoredEvent } from "@ihp/eventsourcing";
import type { Role } from "@ihp/platform";
import {
  type Consult,
  type ConsultCommand,
  consultDecider,
  type FamilyContractFacts,
  type MessageSentData,
  type StoredSignature,
} from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import type { ConsultCommands, ConsultCommandsOptions, ConsultRef, SignedResult } from "./consultCommandTypes.js";
import { type ConsultView, existingConsult, loadConsult, RecordedRefusal, recordedRefusal, toConsultEvent, viewOfConsult } from "./consultEvents.js";
import { consultStreamId, derivedId, requireConsultId, requireInstitutionId, requirePartyId, requireRequestId } from "./ids.js";
import { requireClinician, requireParticipant, requirePatient, requireSystem } from "./policy.js";
import { resolveHisPriorRecord } from "./hisPriorRecord.js";
import { guardianFacts, signedByClinician } from "./identityActs.js";
import { jurisdictionCode, profileFor } from "./profiles.js";
import { consultResource, isRefusal, recordingRefusals } from "./refusals.js";
import { requireNotSuspended } from "./suspensions.js";

export type { ConsultCommands, ConsultCommandsOptions, ConsultRef, MessageInput, RecordingInput, RequestConsultInput, SignedResult } from "./consultCommandTypes.js";

const UNSIGNED: StoredSignature = { signerId: "", certificateSerial: "", algorithm: "", value: "", signedAt: "", documentHash: "" };

/** Who acts on a consult as read: the role, the consult's institution and (for clinicians) the profile version. */
interface Who {
  readonly role: Role;
  readonly institutionId: string;
  readonly profileVersion?: string | undefined;
}

type Outcome = { readonly view: ConsultView; readonly events: readonly StoredEvent[] };

/**
 * The consult command handlers: authorize (deny by default) → check ids → the command pipeline: the consult read
 * once, the caller checked against it (institution), a repeated request id answered as the first time (the consult,
 * or the recorded refusal), then what must happen before deciding (identity, suspensions, signing) → decide → append.
 * Every refusal is recorded in the audit trail before it is returned; a refused request also leaves
 * ConsultRequestRefused.
 */
export function createConsultCommands(options: ConsultCommandsOptions): ConsultCommands {
  const { store, audit, identity, rtc, settings, clock } = options;
  const pipeline = commandPipeline(store, consultDecider, { newEventId: options.newEventId, toDomainEvent: toConsultEvent });

  const acting = (caller: Caller, who: Who): Acting => ({
    actorId: caller.principal.subject,
    role: who.role,
    tenantId: who.institutionId,
    correlationId: caller.correlationId,
    trace: caller.trace,
  });

  /** One command on an existing consult; `prepare` gets the consult as read and returns the command. */
  async function onConsult(
    caller: Caller,
    consultId: string,
    requestId: string,
    who: (consult: Consult, now: Date) => Who,
    prepare: (consult: Consult, now: Date) => ConsultCommand | Promise<ConsultCommand>,
  ): Promise<Outcome> {
    const now = clock();
    let profileVersion: string | undefined;
    const result = await pipeline({
      streamId: consultStreamId(consultId),
      requestId,
      now,
      acting: (state) => {
        const resolved = who(existingConsult(state), now);
        profileVersion = resolved.profileVersion;
        return acting(caller, resolved);
      },
      prepare: (state) => prepare(existingConsult(state), now),
      profileVersionOf: () => profileVersion,
    });
    return { view: viewOfConsult(result.state, result.revision, result.history), events: result.events };
  }

  /** IDN-03 a person, physician of the consult's own institution (assignment is the decider's); the profile in force. */
  const clinician =
    (caller: Caller) =>
    (consult: Consult, now: Date): Who => ({
      role: requireClinician(caller.principal, consult.institutionId),
      institutionId: consult.institutionId,
      profileVersion: profileFor(consult.jurisdiction, now).version,
    });
  const as = (role: Role) => (consult: Consult): Who => ({ role, institutionId: consult.institutionId });

  /** Role and ids first (deny by default), then the clinician's command on the consult. */
  function asClinician(caller: Caller, input: ConsultRef, prepare: (consult: Consult, now: Date) => ConsultCommand | Promise<ConsultCommand>) {
    requireClinician(caller.principal);
    const consultId = requireConsultId(input.consultId);
    const requestId = requireRequestId(input.requestId);
    return onConsult(caller, consultId, requestId, clinician(caller), prepare);
  }

  /**
   * IDN-08: the clinician's current login session, asked of identity before a physician's act whose own identity call
   * does not check it: accepting does (CheckReceiving), and so does every signed act (SignDocument); starting,
   * messages, the video room and termination ask here. The patient's side has no clinical session to check.
   */
  async function requireClinicalSession(caller: Caller, role: Role): Promise<void> {
    if (role === "physician") await identity.checkSession(caller);
  }

  function asPatientSide(caller: Caller, input: ConsultRef, command: (consultId: string, now: Date) => ConsultCommand) {
    const role = requirePatient(caller.principal);
    const consultId = requireConsultId(input.consultId);
    const requestId = requireRequestId(input.requestId);
    return onConsult(caller, consultId, requestId, as(role), (_consult, now) => command(consultId, now));
  }

  /**
   * A signed clinical act: decided first with a placeholder signature, so that nothing is signed (and no signature
   * is spent) for an act the rules refuse; then signed, and decided for real on append. The signature is returned
   * with the consult; a repeated request answers with the consult only.
   */
  async function signedAct(
    caller: Caller,
    input: ConsultRef,
    documentType: string,
    build: (consult: Consult, now: Date) => { readonly command: (signature: StoredSignature) => ConsultCommand; readonly document: unknown },
  ): Promise<SignedResult> {
    let signature: StoredSignature | undefined;
    const { view } = await asClinician(caller, input, async (consult, now) => {
      const { command, document } = build(consult, now);
      const probe = consultDecider.decide(command(UNSIGNED), { status: "exists", consult });
      if (probe instanceof DomainError) throw probe;
      signature = await signedByClinician(identity, caller, { documentType, documentId: consult.consultId, requestId: input.requestId, document });
      return command(signature);
    });
    return { view, signature };
  }

  async function familyContract(contractId: string, now: Date): Promise<FamilyContractFacts | null> {
    if (contractId.trim() === "") return null;
    return options.contracts.facts(contractId.trim(), now);
  }

  return {
    request(caller, input) {
      const requester = caller.principal.subject;
      const validRequest = isRequestId(input.requestId);
      const consultId = validRequest ? derivedId("consult", requester, input.requestId) : "";
      return recordingRefusals(audit, caller, "RequestConsult", consultResource(consultId), async () => {
        const role = requirePatient(caller.principal);
        const requestId = requireRequestId(input.requestId);
        const institutionId = requireInstitutionId(input.institutionId);
        const patientId = requirePartyId(input.patientId);
        const now = clock();
        const run = (prepare: () => ConsultCommand | Promise<ConsultCommand>, profileVersion?: () => string | undefined) =>
          pipeline({ streamId: consultStreamId(consultId), requestId, now, acting: acting(caller, { role, institutionId }), prepare, profileVersionOf: profileVersion });
        let profileVersion: string | undefined;
        try {
          const result = await run(async () => {
            const institution = await identity.institution(caller, institutionId);
            await requireNotSuspended(options.suspensions, { institutionId, departmentCode: input.departmentCode });
            const jurisdiction = jurisdictionCode(institution.jurisdiction);
            const profile = profileFor(jurisdiction, now);
            profileVersion = profile.version;
            return {
              type: "RequestConsult",
              consultId,
              requestedBy: requester,
              consultType: input.consultType,
              departmentCode: input.departmentCode,
              institution: { ...institution, jurisdiction },
              patient: await identity.verifiedPatient(caller, patientId),
              guardian: await guardianFacts(identity, caller, patientId),
              priorRecord: await resolveHisPriorRecord(options.hisEncounters, caller, input.priorRecord, institutionId, patientId),
              invitation: input.invitation,
              familyContractId: input.familyContractId,
              familyContract: input.consultType === "FAMILY_DOCTOR" ? await familyContract(input.familyContractId, now) : null,
              triageFlags: input.triageFlags,
              profile,
              settings,
              at: now,
            };
          }, () => profileVersion);
          // A repeated request that was refused the first time is refused again with the recorded refusal.
          if (result.repeated && result.state.status === "refused") throw recordedRefusal(result.history);
          return viewOfConsult(result.state, result.revision, result.history);
        } catch (error) {
          if (!isRefusal(error) || (error instanceof RecordedRefusal)) throw error;
          // XC-02, REP-04: the refused request is itself a fact of the consult log, fed and audited like the rest.
          await run(
            () => ({
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
            }),
            () => profileVersion,
          );
          throw error;
        }
      });
    },

    cancel(caller, input) {
      return recordingRefusals(audit, caller, "CancelConsult", consultResource(input.consultId), async () => {
        const outcome = await asPatientSide(caller, input, (consultId, now) => ({ type: "CancelConsult", consultId, cancelledBy: caller.principal.subject, at: now }));
        return outcome.view;
      });
    },

    giveConsent(caller, input) {
      return recordingRefusals(audit, caller, "GiveConsent", consultResource(input.consultId), async () => {
        const outcome = await asPatientSide(caller, input, (consultId, now) => ({
          type: "GiveConsent",
          consultId,
          givenBy: caller.principal.subject,
          consentVersion: input.consentVersion,
          consentSha256: input.consentSha256,
          current: settings.currentConsent,
          at: now,
        }));
        return outcome.view;
      });
    },

    accept(caller, input) {
      return recordingRefusals(audit, caller, "AcceptConsult", consultResource(input.consultId), async () => {
        const outcome = await asClinician(caller, input, async (consult, now) => {
          // Refuse what the consult's own state refuses before asking identity (no step-up is consumed for nothing).
          if (consult.status === "ACCEPTED" || consult.status === "IN_PROGRESS") throw refusal("CONSULT_ALREADY_ACCEPTED");
          await requireNotSuspended(options.suspensions, { institutionId: consult.institutionId, clinicianId: caller.principal.subject, departmentCode: consult.departmentCode });
          const grant = await identity.checkReceiving(caller, {
            practitionerId: caller.principal.subject,
            institutionId: consult.institutionId,
            departmentCode: consult.departmentCode,
            consultId: consult.consultId,
            patientId: consult.patientId,
          });
          // REP-01 as of now: identity read the institution for this very check and answers its regulator connection
          // with the grant; only an identity that gives none is asked again (GetInstitution).
          const regulatorConnected = grant.regulatorConnected ?? (await identity.institution(caller, consult.institutionId)).regulatorConnected;
          return { type: "AcceptConsult", consultId: consult.consultId, physicianId: caller.principal.subject, stepUpId: grant.stepUpId, sessionId: grant.sessionId, regulatorConnected, at: now };
        });
        return outcome.view;
      });
    },

    decideEligibility(caller, input) {
      return recordingRefusals(audit, caller, "DecideEligibility", consultResource(input.consultId), () =>
        signedAct(caller, input, "FOLLOW_UP_ELIGIBILITY", (consult, now) => ({
          command: (signature) => ({
            type: "DecideEligibility",
            consultId: consult.consultId,
            physicianId: caller.principal.subject,
            eligible: input.eligible,
            verifiedDiagnoses: input.verifiedDiagnoses,
            signature,
            settings,
            at: now,
          }),
          document: {
            documentType: "FOLLOW_UP_ELIGIBILITY",
            consultId: consult.consultId,
            physicianId: caller.principal.subject,
            priorRecordId: consult.priorRecord?.recordId ?? "",
            eligible: input.eligible,
            verifiedDiagnoses: input.verifiedDiagnoses.map(({ code, name, version }) => ({ code, name, version })),
          },
        })),
      );
    },

    start(caller, input) {
      return recordingRefusals(audit, caller, "StartConsult", consultResource(input.consultId), async () => {
        const outcome = await asClinician(caller, input, async (consult, now) => {
          await requireClinicalSession(caller, "physician");
          await requireNotSuspended(options.suspensions, { institutionId: consult.institutionId, clinicianId: caller.principal.subject, departmentCode: consult.departmentCode });
          return { type: "StartConsult", consultId: consult.consultId, physicianId: caller.principal.subject, at: now };
        });
        return outcome.view;
      });
    },

    sendMessage(caller, input) {
      return recordingRefusals(audit, caller, "SendMessage", consultResource(input.consultId), async () => {
        const role = requireParticipant(caller.principal);
        const consultId = requireConsultId(input.consultId);
        const requestId = requireRequestId(input.requestId);
        const { events } = await onConsult(caller, consultId, requestId, as(role), async (_consult, now) => {
          await requireClinicalSession(caller, role);
          const content =
            input.kind === "IMAGE"
              ? { kind: "IMAGE" as const, uri: input.mediaUri, sha256: input.mediaSha256 }
              : input.kind === "TEXT"
                ? { kind: "TEXT" as const, text: input.text }
                : undefined;
          if (content === undefined) throw refusal("INVALID_MESSAGE");
          return { type: "SendMessage", consultId, messageId: derivedId("message", caller.principal.subject, requestId), senderId: caller.principal.subject, content, at: now };
        });
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
        await requireClinicalSession(caller, role);
        const { consult } = await loadConsult(store, consultId);
        // Check membership and state before creating anything at the RTC provider.
        const probe = consultDecider.decide(
          { type: "OpenVideoRoom", consultId, participantId: caller.principal.subject, roomId: consult.videoRoomId || "probe", at: clock() },
          { status: "exists", consult },
        );
        if (probe instanceof DomainError) throw probe;
        let roomId = consult.videoRoomId;
        if (roomId === "") {
          const created = (await rtc.createRoom(consultId)).roomId;
          const { view } = await onConsult(caller, consultId, requestId, as(role), (_consult, now) => ({ type: "OpenVideoRoom", consultId, participantId: caller.principal.subject, roomId: created, at: now }));
          // Two first joins may race: the room the log kept is the one everybody uses.
          if (view.consult.videoRoomId !== created) await rtc.closeRoom(created);
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
        const { roomId, uri, sha256, durationSeconds } = input;
        const outcome = await onConsult(caller, consultId, requestId, as(role), (_consult, now) => ({ type: "StoreRecording", consultId, roomId, uri, sha256, durationSeconds, at: now }));
        return outcome.view;
      });
    },

    complete(caller, input) {
      return recordingRefusals(audit, caller, "CompleteConsult", consultResource(input.consultId), async () => {
        const result = await signedAct(caller, input, "CONSULT_SUMMARY", (consult, now) => ({
          command: (signature) => ({
            type: "CompleteConsult",
            consultId: consult.consultId,
            physicianId: caller.principal.subject,
            summary: input.summary,
            diagnoses: input.diagnoses,
            signature,
            settings,
            at: now,
          }),
          document: {
            documentType: "CONSULT_SUMMARY",
            consultId: consult.consultId,
            physicianId: caller.principal.subject,
            summary: input.summary.trim(),
            diagnoses: input.diagnoses.map(({ code, name, version }) => ({ code, name, version })),
          },
        }));
        if (result.signature !== undefined) await closeRoomOf(result.view);
        return result;
      });
    },

    terminate(caller, input) {
      return recordingRefusals(audit, caller, "TerminateConsult", consultResource(input.consultId), async () => {
        const { reasonCode } = input;
        const physicianId = caller.principal.subject;
        const { view, events } = await asClinician(caller, input, async (consult, now) => {
          await requireClinicalSession(caller, "physician");
          return { type: "TerminateConsult", consultId: consult.consultId, physicianId, reasonCode, settings, at: now };
        });
        if (events.length > 0) await closeRoomOf(view);
        return view;
      });
    },

    async expire(caller, rawId) {
      const role = requireSystem(caller.principal);
      const consultId = requireConsultId(rawId);
      const outcome = await onConsult(caller, consultId, `expire:${consultId}`, as(role), (_consult, now) => ({ type: "ExpireConsult", consultId, at: now }));
      return outcome.view;
    },
  };

  async function closeRoomOf(view: ConsultView): Promise<void> {
    if (view.consult.videoRoomId !== "") await rtc.closeRoom(view.consult.videoRoomId);
  }
}
