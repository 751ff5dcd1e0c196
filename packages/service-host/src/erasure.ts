import { type EventMetadata, type EventStore, type JsonObject, type StoredEvent, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import type { SealedEventStore } from "@ihp/keyring";
import type { HostedConsumer } from "./serviceHost.js";
import { type Bus, type ConsumerSpec, type DecodedEnvelope, decodeEnvelope, envelopeMessage, type MessageHandler } from "@ihp/messaging";

/**
 * The erasure protocol between services (issue 10 item 3). A coordinator (identity today; the records service decides
 * *when* once it exists) appends an order `SubjectErasureRequested` {erasureId, subject, retentionClass, approvalRef,
 * holders} and publishes it; every service that holds data keys — a holder — destroys its own key for that subject
 * and class (`SealedEventStore.erase`: the PII-free `SubjectKeyDestroyed` fence first, then the key), records a
 * `SubjectErasureConfirmed` in its own log and publishes it. The coordinator counts confirmations: the erasure is
 * complete only when every named holder confirmed; until then it is ERASURE_INCOMPLETE, re-published at an interval
 * (`SubjectErasureRetried`) and alerted on. Every step is idempotent: a repeated order destroys nothing twice and
 * confirms again with the same event.
 */

export const ERASURE_REQUESTED = "SubjectErasureRequested";
export const ERASURE_RETRIED = "SubjectErasureRetried";
export const ERASURE_CONFIRMED = "SubjectErasureConfirmed";
export const ERASURE_COMPLETED = "SubjectErasureCompleted";
/** The coordinator's stream of one erasure, and a holder's stream of its confirmation of it. */
export const erasureStream = (erasureId: string): string => `subject-erasure-${erasureId}`;
export const confirmationStream = (erasureId: string): string => `subject-erasure-confirmation-${erasureId}`;

/** What an order names. No personal data: the subject is the platform's pseudonymous id. */
export interface ErasureOrder {
  readonly erasureId: string;
  readonly subject: string;
  readonly retentionClass: string;
  readonly approvalRef: string;
  readonly holders: readonly string[];
}

export interface ErasureHolderOptions {
  /** The holder's own context: which confirmations it publishes (ihp.<context>.v1.SubjectErasureConfirmed). */
  readonly context: string;
  /** The coordinator's context, whose orders it follows. */
  readonly coordinator: string;
  readonly store: SealedEventStore;
  readonly bus: Bus;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Keys the service holds outside the key ring (identity's older per-patient ring): destroyed with the ring's. */
  readonly alsoDestroy?: ((order: ErasureOrder) => Promise<void>) | undefined;
}

/** The durable and subjects of a holder's order consumer. */
export function erasureHolderSpec(context: string, coordinator: string): ConsumerSpec {
  return {
    durable: `${context}-erasure-orders`,
    subjects: [`ihp.${coordinator}.v1.${ERASURE_REQUESTED}`, `ihp.${coordinator}.v1.${ERASURE_RETRIED}`],
  };
}

/** The consumer a sealing service runs as a key holder (the service host adds it to every service with `sealing`). */
export function erasureHolderConsumer<DB>(context: string, coordinator: string, alsoDestroy?: ErasureHolderOptions["alsoDestroy"]): HostedConsumer<DB> {
  return {
    spec: erasureHolderSpec(context, coordinator),
    handler: ({ store, bus, clock, newId }) => erasureHolder({ context, coordinator, store: store as SealedEventStore, bus, clock, newId, alsoDestroy }),
  };
}

/** A holder's handler of orders: destroy, record the confirmation, publish it. Orders naming other holders are ignored. */
export function erasureHolder(options: ErasureHolderOptions): MessageHandler {
  const { context, store, bus, clock, newId } = options;
  const publish = envelopeMessage(context);
  return async (message) => {
    const { envelope, data } = decodeEnvelope(message);
    const order = data === undefined ? undefined : orderOf(data);
    if (order === undefined || !order.holders.includes(context)) return;
    const metadata = metadataFromEnvelope(envelope, order.erasureId, clock);
    await store.erase({ subject: order.subject, retentionClass: order.retentionClass, approvalRef: order.approvalRef, metadata, eventId: newId() });
    await options.alsoDestroy?.(order);
    const confirmation = await recordOnce(store, confirmationStream(order.erasureId), {
      id: newId(),
      type: ERASURE_CONFIRMED,
      schemaVersion: 1,
      data: { erasureId: order.erasureId, holder: context, subject: order.subject, retentionClass: order.retentionClass },
      metadata,
    });
    await bus.publish(publish(confirmation));
  };
}

/** The metadata of what a message causes: the order's actor and tenant, caused by the message, at `clock()`. */
export function metadataFromEnvelope(envelope: DecodedEnvelope["envelope"], correlationId: string, clock: () => Date): EventMetadata {
  const source = envelope.metadata;
  return {
    actorId: source?.actorId ?? "",
    actorRole: source?.actorRole ?? "",
    tenantId: source?.tenantId ?? "",
    correlationId: source?.correlationId || correlationId,
    causationId: envelope.id,
    occurredAt: clock().toISOString(),
  };
}

/** Appends the stream's only event, or returns the one a previous delivery appended. */
async function recordOnce(store: EventStore, streamId: string, event: Parameters<EventStore["append"]>[1][number]): Promise<StoredEvent> {
  try {
    const result = await store.append(streamId, [event], "no_stream");
    return result.events[0]!;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const [existing] = await store.readStream(streamId);
    if (existing === undefined) throw error;
    return existing;
  }
}

/** The order in an event's or message's data; undefined when it is not a well-formed order. */
export function orderOf(data: JsonObject): ErasureOrder | undefined {
  const { erasureId, subject, retentionClass, approvalRef, holders } = data;
  if (typeof erasureId !== "string" || typeof subject !== "string" || typeof retentionClass !== "string" || typeof approvalRef !== "string") return undefined;
  if (!Array.isArray(holders) || !holders.every((holder) => typeof holder === "string")) return undefined;
  return { erasureId, subject, retentionClass, approvalRef, holders };
}
