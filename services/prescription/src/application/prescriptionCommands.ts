import { createHash } from "node:crypto";
import { DomainError, type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import type { DrugCatalogue } from "@ihp/drug-catalogue";
import type { AuditTrail, Role } from "@ihp/platform";
import { refusal } from "../domain/errors.js";
import {
  type Actor,
  type ContentInput,
  documentToSign,
  DOCUMENT_TYPE,
  planSigning,
  type PrescriptionCommand,
  prescriptionDecider,
  type PrescriptionState,
  profileFor,
  type ReviewOutcome,
} from "../domain/prescriptions/index.js";
import { nextSerial, type SerialNumberAllocated, serialsDecider } from "../domain/serials/serials.js";
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
import { loadPrescription, type PrescriptionView, toPrescriptionEvent } from "./prescriptionEvents.js";
import { authorized, type PrescriptionAction } from "./policy.js";
import type { ConsultContextPort, Forwarded, SignaturePort } from "./ports.js";
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
 * Prescription command handlers: authorize (deny by default) → check ids → consult context (forwarding the caller's
 * token) → read, fold, decide, append (handleCommand, idempotent by request id). Every refusal is recorded in the
 * audit trail before it is returned (XC-02).
 */
export function createPrescriptionCommands(options: PrescriptionCommandsOptions): PrescriptionCommands {
  const { store, audit, clock, catalogue, consults, signatures } = options;
  const decider = prescriptionDecider(catalogue);

  async function execute(
    caller: Caller,
    role: Role,
    prescriptionId: string,
    requestId: string,
    tenantId: string,
    jurisdiction: string | undefined,
    command: PrescriptionCommand,
    now: Date,
  ): Promise<PrescriptionView> {
    const streamId = prescriptionStreamId(prescriptionId);
    await handleCommand(
      store,
      decider,
      {
        streamId,
        command,
        metadata: {
          actorId: caller.principal.subject,
          actorRole: role,
          tenantId,
          correlationId: caller.correlationId,
          causationId: requestId,
          ...caller.trace,
        },
        profileVersionOf: (state: PrescriptionState) => {
          const code = jurisdiction ?? (state.status === "none" ? undefined : state.consult.jurisdiction);
          if (code === undefined) return undefined;
          const profile = profileFor(code, now);
          return "version" in profile && typeof profile.version === "string" ? profile.version : undefined;
        },
        requestId,
        now,
      },
      { newEventId: options.newEventId, toDomainEvent: toPrescriptionEvent },
    );
    return loadPrescription(store, catalogue, streamId);
  }

  function guarded<T>(caller: Caller, action: PrescriptionAction, id: string | undefined, work: () => Promise<T>): Promise<T> {
    return recordingRefusals(audit, caller, action, resourceOf(id), work);
  }

  async function existing(caller: Caller, rawId: string, action: PrescriptionAction) {
    const role = authorized(action, caller.principal);
    const prescriptionId = requirePrescriptionId(rawId);
    const view = await loadPrescription(store, catalogue, prescriptionStreamId(prescriptionId));
    return { role, prescriptionId, view };
  }

  return {
    draft(caller, input) {
      return guarded(caller, "DraftPrescription", undefined, async () => {
        const role = authorized("DraftPrescription", caller.principal);
        const requestId = requireRequestId(input.requestId);
        const consultId = requireConsultId(input.consultId);
        const consult = await consults.getPrescribingContext(consultId, forwarded(caller));
        const prescriptionId = prescriptionIdFor(caller.principal.subject, requestId);
        const now = clock();
        const command = { type: "DraftPrescription" as const, prescriptionId, consult, content: input.content, actor: actorOf(caller), at: now };
        return execute(caller, role, prescriptionId, requestId, consult.institutionId, consult.jurisdiction, command, now);
      });
    },

    revise(caller, input) {
      return guarded(caller, "RevisePrescription", input.prescriptionId, async () => {
        const { role, prescriptionId, view } = await existing(caller, input.prescriptionId, "RevisePrescription");
        const requestId = requireRequestId(input.requestId);
        const consult = await consults.getPrescribingContext(view.prescription.consult.consultId, forwarded(caller));
        const now = clock();
        const command = { type: "RevisePrescription" as const, prescriptionId, consult, content: input.content, actor: actorOf(caller), at: now };
        return execute(caller, role, prescriptionId, requestId, consult.institutionId, consult.jurisdiction, command, now);
      });
    },

    confirmLines(caller, input) {
      return guarded(caller, "ConfirmLines", input.prescriptionId, async () => {
        const { role, prescriptionId, view } = await existing(caller, input.prescriptionId, "ConfirmLines");
        const requestId = requireRequestId(input.requestId);
        const now = clock();
        const command = { type: "ConfirmLines" as const, prescriptionId, version: input.version, lineIds: input.lineIds, actor: actorOf(caller), at: now };
        return execute(caller, role, prescriptionId, requestId, view.prescription.consult.institutionId, undefined, command, now);
      });
    },

    confirmLongTermPlan(caller, input) {
      return guarded(caller, "ConfirmLongTermPlan", input.prescriptionId, async () => {
        const { role, prescriptionId, view } = await existing(caller, input.prescriptionId, "ConfirmLongTermPlan");
        const requestId = requireRequestId(input.requestId);
        const now = clock();
        const command = { type: "ConfirmLongTermPlan" as const, prescriptionId, version: input.version, actor: actorOf(caller), at: now };
        return execute(caller, role, prescriptionId, requestId, view.prescription.consult.institutionId, undefined, command, now);
      });
    },

    sign(caller, input) {
      return guarded(caller, "SignPrescription", input.prescriptionId, async () => {
        const { role, prescriptionId, view } = await existing(caller, input.prescriptionId, "SignPrescription");
        const requestId = requireRequestId(input.requestId);
        const streamId = prescriptionStreamId(prescriptionId);
        // A repeated request answers with what its first run did, before anything is signed again.
        const history = await store.readStream(streamId);
        if (history.some((event: StoredEvent) => event.metadata.requestId === requestId)) return view;
        const consult = await consults.getPrescribingContext(view.prescription.consult.consultId, forwarded(caller));
        const now = clock();
        const actor = actorOf(caller);
        const validityDays = input.validityDays === 0 ? 1 : input.validityDays;
        const base = { version: input.version, consult, validityDays, actor, at: now };
        const plan = planSigning(catalogue, view.prescription, base);
        if (plan instanceof DomainError) throw plan;
        const drugCodes = view.prescription.content.lines.map((line) => line.drugCode);
        await requireNotSuspended(options.suspensions, { institutionId: consult.institutionId, clinicianId: actor.id, drugCodes }, forwarded(caller));
        const serialKey = { institutionId: consult.institutionId, issuedOn: plan.issuedOn, prescriptionId, version: view.prescription.version };
        // RX-10: the number is taken only after the signature verified and the decider accepted the signed version, so
        // a refused signing (step-up, certificate, forged signature, stale version) leaves no gap. Another signing may
        // take the number meanwhile: then the document is signed again with the next one (bounded).
        for (let attempt = 1; ; attempt += 1) {
          const serialNumber = nextSerial(await serialState(consult.institutionId, plan.issuedOn), serialKey);
          const canonicalDocument = documentToSign(view.prescription, plan, serialNumber);
          const bytes = Buffer.from(canonicalDocument, "utf8");
          const signature = await signatures.sign({ requestId: signingRequestId(requestId, serialNumber), documentId: serialNumber, canonicalDocument: bytes, consultId: consult.consultId }, forwarded(caller));
          // RX-03: what identity returned is verified over the same bytes before it is recorded.
          const verification = await signatures.verify({ canonicalDocument: bytes, signature, expectedSignerId: actor.id }, forwarded(caller));
          const command = { type: "SignPrescription" as const, prescriptionId, serialNumber, canonicalDocument, signature, verification, ...base };
          const outcome = decider.decide(command, view.prescription);
          if (outcome instanceof DomainError) throw outcome;
          try {
            await allocateSerial(caller, role, { ...serialKey, serialNumber }, requestId, now);
          } catch (error) {
            if (error instanceof DomainError && error.code === "SERIAL_NUMBER_TAKEN" && attempt < MAX_SERIAL_ATTEMPTS) continue;
            throw error;
          }
          return execute(caller, role, prescriptionId, requestId, consult.institutionId, consult.jurisdiction, command, now);
        }
      });
    },

    async recordReviewOutcome(input) {
      const streamId = prescriptionStreamId(input.prescriptionId);
      if (!isPrescriptionId(input.prescriptionId) || (await store.readStream(streamId)).length === 0) return;
      const now = clock();
      await handleCommand(
        store,
        decider,
        {
          streamId,
          command: { type: "RecordReviewOutcome", ...input },
          metadata: {
            actorId: input.pharmacistId,
            actorRole: "pharmacist",
            tenantId: input.institutionId,
            correlationId: input.messageId,
            causationId: input.messageId,
          },
          requestId: `review:${input.messageId}`,
          now,
        },
        { newEventId: options.newEventId, toDomainEvent: toPrescriptionEvent },
      );
    },
  };

  async function serialState(institutionId: string, issuedOn: string) {
    const history = await store.readStream(serialStreamId(institutionId, issuedOn));
    return fold(serialsDecider, history.map((event) => ({ type: "SerialNumberAllocated", data: event.data }) as unknown as SerialNumberAllocated));
  }

  async function allocateSerial(
    caller: Caller,
    role: Role,
    wanted: { institutionId: string; issuedOn: string; prescriptionId: string; version: number; serialNumber: string },
    requestId: string,
    now: Date,
  ): Promise<string> {
    const { institutionId, issuedOn, prescriptionId } = wanted;
    const streamId = serialStreamId(institutionId, issuedOn);
    const key = { type: "AllocateSerial" as const, ...wanted };
    const result = await handleCommand(
      store,
      serialsDecider,
      {
        streamId,
        command: key,
        metadata: {
          actorId: caller.principal.subject,
          actorRole: role,
          tenantId: institutionId,
          correlationId: caller.correlationId,
          causationId: requestId,
          ...caller.trace,
        },
        now,
      },
      { newEventId: options.newEventId, toDomainEvent: (event) => ({ type: "SerialNumberAllocated", data: event.data }) as never },
    );
    const serial = result.state.byVersion.get(`${prescriptionId}#${wanted.version}`);
    if (serial !== wanted.serialNumber) throw refusal("SERIAL_NUMBER_TAKEN");
    return serial;
  }
}

export { DOCUMENT_TYPE };
