import { createHash } from "node:crypto";
import { type Acting, commandPipeline, DomainError, type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import type { DrugCatalogue } from "@ihp/drug-catalogue";
import type { AuditTrail, Role } from "@ihp/platform";
import { refusal } from "../domain/errors.js";
import {
  type Actor,
  type ContentInput,
  documentToSign,
  DOCUMENT_TYPE,
  planSigning,
  type Prescription,
  type PrescriptionCommand,
  prescriptionDecider,
  type PrescriptionState,
  profileInEffect,
  type ReviewOutcome,
} from "../domain/prescriptions/index.js";
import { nextSerial, type SerialNumberAllocated, serialOf, serialsDecider } from "../domain/serials/serials.js";
import type { Caller } from "./caller.js";
import {
  isPrescriptionId,
  prescriptionIdFor,
  prescriptionStreamId,
  requireConsultId,
  requirePrescriptionId,
  requireRequestId,
  serialStreamId,
} from "./ids.js";
import { existingPrescription, type PrescriptionView, toPrescriptionEvent, viewOf } from "./prescriptionEvents.js";
import { authorized, type PrescriptionAction } from "./policy.js";
import type { ClinicalSessionPort, ConsultContextPort, Forwarded, SignaturePort } from "./ports.js";
import { requireNotSuspended, type SuspensionPort } from "./suspensions.js";
import { recordingRefusals } from "@ihp/platform";

/**
 * Identity's request id for signing this document: the same for a retried request with the same number (identity
 * answers with its first signature), another one once the number changed (a signature over the new document).
 */
function signingRequestId(requestId: string, serialNumber: string): string {
  return `rx-sign-${createHash("sha256").update(`${requestId}\n${serialNumber}`, "utf8").digest("hex").slice(0, 40)}`;
}

/** Signings that lose their number to a concurrent one before giving up (each signs again). */
const MAX_SERIAL_ATTEMPTS = 3;

export interface PrescriptionCommandsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly catalogue: DrugCatalogue;
  readonly consults: ConsultContextPort;
  readonly signatures: SignaturePort;
  readonly sessions: ClinicalSessionPort;
  /** REP-06 suspensions by serious adverse events; unset: no check (no reporting service). */
  readonly suspensions?: SuspensionPort | undefined;
}

export interface PrescriptionCommands {
  draft(caller: Caller, input: { requestId: string; consultId: string; content: ContentInput }): Promise<PrescriptionView>;
  revise(caller: Caller, input: { requestId: string; prescriptionId: string; content: ContentInput }): Promise<PrescriptionView>;
  confirmLines(caller: Caller, input: { requestId: string; prescriptionId: string; version: number; lineIds: readonly string[] }): Promise<PrescriptionView>;
  confirmLongTermPlan(caller: Caller, input: { requestId: string; prescriptionId: string; version: number }): Promise<PrescriptionView>;
  sign(caller: Caller, input: { requestId: string; prescriptionId: string; version: number; validityDays: number }): Promise<PrescriptionView>;
  /** From pharmacy's PrescriptionReviewed; `messageId` makes a redelivery change nothing. */
  recordReviewOutcome(input: {
    messageId: string;
    prescriptionId: string;
    serialNumber: string;
    outcome: ReviewOutcome;
    reasonCode: string;
    pharmacistId: string;
    reviewedAt: string;
    institutionId: string;
  }): Promise<void>;
}

const actorOf = (caller: Caller): Actor => ({ id: caller.principal.subject, kind: caller.principal.kind });
const forwarded = (caller: Caller): Forwarded => ({ token: caller.token, deadline: caller.deadline });
const resourceOf = (id: string | undefined): string | undefined => (id !== undefined && isPrescriptionId(id) ? `prescription/${id}` : undefined);

/**
 * Prescription command handlers: authorize (deny by default) → check ids → the command pipeline (the stream read
 * once, a repeated request id answered as first time, then the consult context forwarding the caller's token, and
 * for signing the remote signature) → decide → append. Every refusal is recorded in the
 * audit trail before it is returned (XC-02).
 */
export function createPrescriptionCommands(options: PrescriptionCommandsOptions): PrescriptionCommands {
  const { store, audit, clock, catalogue, consults, signatures, sessions } = options;
  const decider = prescriptionDecider(catalogue);
  const pipeline = commandPipeline(store, decider, { newEventId: options.newEventId, toDomainEvent: toPrescriptionEvent });

  /** XC-08: the profile version of the consult's jurisdiction (given, or the prescription's own). */
  const profileVersionAt = (now: Date, jurisdiction?: string) => (state: PrescriptionState) => {
    const code = jurisdiction ?? (state.status === "none" ? undefined : state.consult.jurisdiction);
    if (code === undefined) return undefined;
    return profileInEffect(code, now)?.version;
  };

  const acting = (caller: Caller, role: Role, tenantId: string): Acting => ({
    actorId: caller.principal.subject,
    role,
    tenantId,
    correlationId: caller.correlationId,
    trace: caller.trace,
  });

  /** A command on an existing prescription: the role first, then the stream read once; `prepare` builds the command. */
  async function onExisting(
    caller: Caller,
    action: PrescriptionAction,
    input: { readonly prescriptionId: string; readonly requestId: string },
    prepare: (prescription: Prescription, now: Date, role: Role) => Promise<PrescriptionCommand> | PrescriptionCommand,
  ): Promise<PrescriptionView> {
    const role = authorized(action, caller.principal);
    const prescriptionId = requirePrescriptionId(input.prescriptionId);
    const requestId = requireRequestId(input.requestId);
    const now = clock();
    const result = await pipeline({
      streamId: prescriptionStreamId(prescriptionId),
      requestId,
      now,
      acting: (state) => acting(caller, role, existingPrescription(state).consult.institutionId),
      prepare: (state) => prepare(existingPrescription(state), now, role),
      profileVersionOf: profileVersionAt(now),
    });
    return viewOf(result.state, result.revision);
  }

  /**
   * IDN-08: the physician's current login session, asked of identity before every physician write that is not signed
   * (signing checks the session with the step-up). The patient's confirmation asks none.
   */
  async function requireClinicalSession(caller: Caller, role: Role): Promise<void> {
    if (role === "physician") await sessions.checkSession(forwarded(caller));
  }

  function guarded<T>(caller: Caller, action: PrescriptionAction, id: string | undefined, work: () => Promise<T>): Promise<T> {
    return recordingRefusals(audit, caller, action, resourceOf(id), work);
  }

  return {
    draft(caller, input) {
      return guarded(caller, "DraftPrescription", undefined, async () => {
        const role = authorized("DraftPrescription", caller.principal);
        const requestId = requireRequestId(input.requestId);
        const consultId = requireConsultId(input.consultId);
        await requireClinicalSession(caller, role);
        const consult = await consults.getPrescribingContext(consultId, forwarded(caller));
        const prescriptionId = prescriptionIdFor(caller.principal.subject, requestId);
        const now = clock();
        const result = await pipeline({
          streamId: prescriptionStreamId(prescriptionId),
          requestId,
          now,
          acting: acting(caller, role, consult.institutionId),
          command: { type: "DraftPrescription", prescriptionId, consult, content: input.content, actor: actorOf(caller), at: now },
          profileVersionOf: profileVersionAt(now, consult.jurisdiction),
        });
        return viewOf(result.state, result.revision);
      });
    },

    revise(caller, input) {
      return guarded(caller, "RevisePrescription", input.prescriptionId, () =>
        onExisting(caller, "RevisePrescription", input, async (prescription, now, role) => {
          await requireClinicalSession(caller, role);
          const consult = await consults.getPrescribingContext(prescription.consult.consultId, forwarded(caller));
          return { type: "RevisePrescription", prescriptionId: prescription.prescriptionId, consult, content: input.content, actor: actorOf(caller), at: now };
        }),
      );
    },

    confirmLines(caller, input) {
      return guarded(caller, "ConfirmLines", input.prescriptionId, () =>
        onExisting(caller, "ConfirmLines", input, async (prescription, now, role) => {
          await requireClinicalSession(caller, role);
          return { type: "ConfirmLines", prescriptionId: prescription.prescriptionId, version: input.version, lineIds: input.lineIds, actor: actorOf(caller), at: now };
        }),
      );
    },

    confirmLongTermPlan(caller, input) {
      return guarded(caller, "ConfirmLongTermPlan", input.prescriptionId, () =>
        onExisting(caller, "ConfirmLongTermPlan", input, (prescription, now) => ({
          type: "ConfirmLongTermPlan",
          prescriptionId: prescription.prescriptionId,
          version: input.version,
          actor: actorOf(caller),
          at: now,
        })),
      );
    },

    sign(caller, input) {
      return guarded(caller, "SignPrescription", input.prescriptionId, () =>
        // The stream is read once; a repeated request answers with what its first run did before anything is signed.
        onExisting(caller, "SignPrescription", input, async (prescription, now, role) => {
          const { prescriptionId } = prescription;
          const consult = await consults.getPrescribingContext(prescription.consult.consultId, forwarded(caller));
          const actor = actorOf(caller);
          const validityDays = input.validityDays === 0 ? 1 : input.validityDays;
          const base = { version: input.version, consult, validityDays, actor, at: now };
          const plan = planSigning(catalogue, prescription, base);
          const drugCodes = prescription.content.lines.map((line) => line.drugCode);
          await requireNotSuspended(options.suspensions, { institutionId: consult.institutionId, clinicianId: actor.id, drugCodes }, forwarded(caller));
          const serialKey = { institutionId: consult.institutionId, issuedOn: plan.issuedOn, prescriptionId, version: prescription.version };
          // RX-10: the number is taken only after the signature verified and the decider accepted the signed version,
          // so a refused signing (step-up, certificate, forged signature, stale version) leaves no gap. Another
          // signing may take the number meanwhile: then the document is signed again with the next one (bounded).
          for (let attempt = 1; ; attempt += 1) {
            const serials = await serialsRead(consult.institutionId, plan.issuedOn);
            const serialNumber = nextSerial(serials.state, serialKey);
            const canonicalDocument = documentToSign(prescription, plan, serialNumber);
            const bytes = Buffer.from(canonicalDocument, "utf8");
            const signed = await signatures.sign({ requestId: signingRequestId(input.requestId, serialNumber), documentId: serialNumber, canonicalDocument: bytes, consultId: consult.consultId }, forwarded(caller));
            const { signature } = signed;
            // RX-03: what identity returned is verified over the same bytes before it is recorded. identity answers its
            // verdict with the signature (signed by the caller, over these bytes); asked again only of one that gives none.
            const verification = signed.verification ?? (await signatures.verify({ canonicalDocument: bytes, signature, expectedSignerId: actor.id }, forwarded(caller)));
            const command = { type: "SignPrescription" as const, prescriptionId, serialNumber, canonicalDocument, signature, verification, ...base };
            const outcome = decider.decide(command, prescription);
            if (outcome instanceof DomainError) throw outcome;
            try {
              // Decided on the serials as read above: one taken meanwhile makes the append conflict and the
              // allocation decide again on a fresh read (then SERIAL_NUMBER_TAKEN, and the next number).
              await allocateSerial(caller, role, { ...serialKey, serialNumber }, input.requestId, now, serials.history);
            } catch (error) {
              if (error instanceof DomainError && error.code === "SERIAL_NUMBER_TAKEN" && attempt < MAX_SERIAL_ATTEMPTS) continue;
              throw error;
            }
            return command;
          }
        }),
      );
    },

    async recordReviewOutcome(input) {
      const streamId = prescriptionStreamId(input.prescriptionId);
      if (!isPrescriptionId(input.prescriptionId)) return;
      const read = await store.readStream(streamId);
      if (read.length === 0) return;
      await pipeline({
        streamId,
        // Decided on the stream as just read (a writer meanwhile costs a retry on a fresh read).
        read,
        requestId: `review:${input.messageId}`,
        now: clock(),
        acting: { actorId: input.pharmacistId, role: "pharmacist", tenantId: input.institutionId, correlationId: input.messageId },
        command: { type: "RecordReviewOutcome", ...input },
      });
    },
  };

  /** The day's serials stream as read now, and its state. */
  async function serialsRead(institutionId: string, issuedOn: string) {
    const history = await store.readStream(serialStreamId(institutionId, issuedOn));
    return { history, state: fold(serialsDecider, history.map((event) => ({ type: "SerialNumberAllocated", data: event.data }) as unknown as SerialNumberAllocated)) };
  }

  async function allocateSerial(
    caller: Caller,
    role: Role,
    wanted: { institutionId: string; issuedOn: string; prescriptionId: string; version: number; serialNumber: string },
    requestId: string,
    now: Date,
    read: readonly StoredEvent[],
  ): Promise<string> {
    const { institutionId, issuedOn, prescriptionId } = wanted;
    const streamId = serialStreamId(institutionId, issuedOn);
    const key = { type: "AllocateSerial" as const, ...wanted };
    const result = await commandPipeline(store, serialsDecider, { newEventId: options.newEventId, toDomainEvent: (event) => ({ type: "SerialNumberAllocated", data: event.data }) as never })({
      streamId,
      requestId: `${requestId}:${wanted.serialNumber}`,
      acting: acting(caller, role, institutionId),
      now,
      command: key,
      read,
    });
    const serial = serialOf(result.state, prescriptionId, wanted.version);
    if (serial !== wanted.serialNumber) throw refusal("SERIAL_NUMBER_TAKEN");
    return serial;
  }
}

export { DOCUMENT_TYPE };
