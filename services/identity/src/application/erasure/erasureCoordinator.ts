import { createHash } from "node:crypto";
import { type EventMetadata, type EventStore, type JsonObject, type StoredEvent, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { type AuditTrail, authorize, recordingRefusals } from "@ihp/platform";
import { ERASURE_COMPLETED, ERASURE_CONFIRMED, ERASURE_REQUESTED, ERASURE_RETRIED, erasureStream, orderOf, type ErasureOrder } from "@ihp/service-host";
import { refusal } from "../../domain/errors.js";
import type { Caller } from "../caller.js";
import { requireRequestId } from "../ids.js";
import { requireTenant, roleNotAllowed } from "../patients/patientCommands.js";
import { patientResource, patientStreamId, requirePatientId } from "../patients/patientIds.js";

/**
 * The coordinator of erasures (issue 10 item 3): orders a data subject's keys of one retention class destroyed in
 * every service that holds keys (the holders, configured), and reports the erasure complete only when each holder
 * confirmed. The order and each confirmation are events of the erasure's own stream in identity's log, so the
 * erasure is as tamper-evident as everything else; the relay publishes the order, the holders' confirmations come
 * back over the bus (`@ihp/service-host` erasure.ts).
 *
 * Who may order: the institution administrator of the patient's own institution, naming the approval the erasure
 * rests on (for a record, the institution head's destruction approval — the records service will be the one to ask
 * once it owns retention). This is only the mechanism: *whether* an erasure is allowed (retention floors, legal
 * hold) is decided before it is ordered.
 */

/** Retention classes the services seal with (their sealing policies). */
export const RETENTION_CLASSES = ["clinical", "media", "identity", "staff"] as const;

export interface ErasureState {
  readonly erasureId: string;
  readonly subject: string;
  readonly retentionClass: string;
  readonly approvalRef: string;
  readonly holders: readonly string[];
  readonly confirmed: readonly string[];
  readonly pending: readonly string[];
  /** COMPLETE once every holder confirmed; else INCOMPLETE (ERASURE_INCOMPLETE in alerts). */
  readonly status: "COMPLETE" | "INCOMPLETE";
  readonly requestedAt: string;
  /** Orders published: the request and each retry. */
  readonly attempts: number;
}

export interface ErasureRequestInput {
  readonly requestId: string;
  readonly patientId: string;
  readonly retentionClass: string;
  readonly approvalRef: string;
}

export interface ErasureCoordinator {
  request(caller: Caller, input: ErasureRequestInput): Promise<ErasureState>;
  get(caller: Caller, erasureId: string): Promise<ErasureState>;
  /** A holder's confirmation from the bus; completes the erasure with the last one. Unknown erasures are ignored. */
  confirm(erasureId: string, holder: string, metadata: EventMetadata): Promise<void>;
  /** Publishes the order again for an incomplete erasure (the retry job). */
  retry(erasureId: string): Promise<ErasureState | undefined>;
}

export interface ErasureCoordinatorOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly holders: readonly string[];
}

const ADMIN = "institution_admin";

export function createErasureCoordinator(options: ErasureCoordinatorOptions): ErasureCoordinator {
  const { store, audit, clock, newId, holders } = options;

  const load = async (erasureId: string): Promise<{ state: ErasureState; events: readonly StoredEvent[] } | undefined> => {
    const events = await store.readStream(erasureStream(erasureId));
    const state = stateOf(events);
    return state === undefined ? undefined : { state, events };
  };

  const requireAdminOfPatient = async (caller: Caller, patientId: string): Promise<void> => {
    if (!authorize(caller.principal, { roles: [ADMIN] }).allowed) throw roleNotAllowed();
    const [registered] = await store.readStream(patientStreamId(patientId));
    if (registered === undefined) throw refusal("PATIENT_NOT_FOUND");
    requireTenant(caller.principal, ADMIN, registered.metadata.tenantId);
  };

  const metadataOf = (caller: Caller, requestId?: string): EventMetadata => ({
    actorId: caller.principal.subject,
    actorRole: ADMIN,
    tenantId: caller.principal.tenantId,
    correlationId: caller.correlationId,
    causationId: caller.correlationId,
    occurredAt: clock().toISOString(),
    ...caller.trace,
    ...(requestId === undefined ? {} : { requestId }),
  });

  const append = async (erasureId: string, type: string, data: JsonObject, metadata: EventMetadata, expected: number): Promise<void> => {
    await store.append(erasureStream(erasureId), [{ id: newId(), type, schemaVersion: 1, data: { ...data }, metadata }], expected < 0 ? "no_stream" : expected);
  };

  return {
    request(caller, input) {
      return recordingRefusals(audit, caller, "RequestSubjectErasure", patientResource(input.patientId), async () => {
        // Deny first: who may ask is checked before anything about the request (XC-03).
        if (!authorize(caller.principal, { roles: [ADMIN] }).allowed) throw roleNotAllowed();
        const requestId = requireRequestId(input.requestId);
        const patientId = requirePatientId(input.patientId);
        if (!(RETENTION_CLASSES as readonly string[]).includes(input.retentionClass)) throw refusal("INVALID_RETENTION_CLASS");
        const approvalRef = input.approvalRef.trim();
        if (approvalRef.length === 0 || approvalRef.length > 128) throw refusal("APPROVAL_REFERENCE_REQUIRED");
        await requireAdminOfPatient(caller, patientId);
        // The institution and request id name the erasure: a retried request finds the erasure it made.
        const erasureId = erasureIdOf(caller.principal.tenantId, requestId);
        const order: ErasureOrder = { erasureId, subject: patientId, retentionClass: input.retentionClass, approvalRef, holders: [...holders] };
        try {
          await append(erasureId, ERASURE_REQUESTED, { ...order, holders: [...order.holders] }, metadataOf(caller, requestId), -1);
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
        }
        const found = await load(erasureId);
        if (found === undefined) throw refusal("ERASURE_NOT_FOUND");
        const same = found.state.subject === patientId && found.state.retentionClass === input.retentionClass && found.state.approvalRef === approvalRef;
        if (!same) throw refusal("ERASURE_REQUEST_CONFLICT");
        return found.state;
      });
    },

    get(caller, erasureId) {
      return recordingRefusals(audit, caller, "GetSubjectErasure", `erasure/${erasureId}`, async () => {
        if (!authorize(caller.principal, { roles: [ADMIN] }).allowed) throw roleNotAllowed();
        const found = /^[0-9a-f]{32}$/.test(erasureId) ? await load(erasureId) : undefined;
        if (found === undefined) throw refusal("ERASURE_NOT_FOUND");
        // Another institution's erasure does not exist for this caller.
        if (found.events[0]?.metadata.tenantId !== caller.principal.tenantId) throw refusal("ERASURE_NOT_FOUND");
        return found.state;
      });
    },

    async confirm(erasureId, holder, metadata) {
      // Holders confirm at about the same time: a confirmation recorded meanwhile fails the append, so read again.
      for (let attempt = 1; ; attempt += 1) {
        const found = await load(erasureId);
        if (found === undefined || !found.state.holders.includes(holder) || found.state.confirmed.includes(holder)) return;
        const revision = found.events.length - 1;
        try {
          await append(erasureId, ERASURE_CONFIRMED, { erasureId, holder }, metadata, revision);
          if (found.state.pending.length === 1) await append(erasureId, ERASURE_COMPLETED, { erasureId }, metadata, revision + 1);
          return;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || attempt === 5) throw error;
        }
      }
    },

    async retry(erasureId) {
      const found = await load(erasureId);
      if (found === undefined || found.state.status === "COMPLETE") return found?.state;
      const [first] = found.events;
      const metadata = { ...first!.metadata, causationId: first!.id, occurredAt: clock().toISOString() };
      const order = orderOf(first!.data)!;
      await append(erasureId, ERASURE_RETRIED, { ...order, holders: [...found.state.pending] }, metadata, found.events.length - 1);
      return (await load(erasureId))?.state;
    },
  };
}

/** 32 hex digits from the institution and the client's request id. */
export function erasureIdOf(tenantId: string, requestId: string): string {
  return createHash("sha256").update(`${tenantId}\u0000${requestId}`).digest("hex").slice(0, 32);
}

/** The state of one erasure from its stream; undefined when the stream holds no order. */
export function stateOf(events: readonly StoredEvent[]): ErasureState | undefined {
  const [first] = events;
  const order = first?.type === ERASURE_REQUESTED ? orderOf(first.data) : undefined;
  if (first === undefined || order === undefined) return undefined;
  const confirmed = new Set<string>();
  let attempts = 0;
  for (const event of events) {
    if (event.type === ERASURE_REQUESTED || event.type === ERASURE_RETRIED) attempts += 1;
    if (event.type === ERASURE_CONFIRMED && typeof event.data.holder === "string") confirmed.add(event.data.holder);
  }
  const pending = order.holders.filter((holder) => !confirmed.has(holder));
  return {
    erasureId: order.erasureId,
    subject: order.subject,
    retentionClass: order.retentionClass,
    approvalRef: order.approvalRef,
    holders: order.holders,
    confirmed: order.holders.filter((holder) => confirmed.has(holder)),
    pending,
    status: pending.length === 0 ? "COMPLETE" : "INCOMPLETE",
    requestedAt: first.metadata.occurredAt,
    attempts,
  };
}
