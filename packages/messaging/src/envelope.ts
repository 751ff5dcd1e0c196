import { EventEnvelope } from "@ihp/contracts";
import { canonicalJson, type JsonObject, type StoredEvent } from "@ihp/eventsourcing";
import type { BusMessage } from "./bus.js";
import { InvalidEnvelopeError } from "./errors.js";

export const JSON_CONTENT_TYPE = "application/json";

/** What a service puts inside the envelope: the integration event's subject, type name and encoded payload. */
export interface EnvelopeContent {
  readonly subject: string;
  /** Integration event type, e.g. "InstitutionRegistered". */
  readonly type: string;
  /** Media type of `payload`, e.g. "application/x-protobuf; proto=ihp.identity.v1.InstitutionRegistered". */
  readonly contentType: string;
  readonly payload: Uint8Array;
}

/**
 * The one way a stored event goes on the bus (ARCHITECTURE §5): an EventEnvelope (protobuf) carrying the event's
 * identity, place in the log, metadata and hash around the service's payload; the event id as message id, so the bus
 * and consumers drop repeats; trace context also in headers, where tracing middleware looks for it.
 */
export function envelopedMessage(event: StoredEvent, content: EnvelopeContent): BusMessage {
  const { metadata } = event;
  const envelope: EventEnvelope = {
    id: event.id,
    type: content.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamRevision: BigInt(event.revision),
    logPosition: event.position.toString(),
    metadata: {
      actorId: metadata.actorId,
      actorRole: metadata.actorRole,
      tenantId: metadata.tenantId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      traceparent: metadata.traceparent ?? "",
      tracestate: metadata.tracestate ?? "",
      occurredAt: metadata.occurredAt,
      profileVersion: metadata.profileVersion ?? "",
      requestId: metadata.requestId ?? "",
    },
    hash: event.hash,
    contentType: content.contentType,
    // ts-proto (env=node) types bytes as Buffer; wrapping shares the memory, no copy.
    payload: Buffer.from(content.payload.buffer, content.payload.byteOffset, content.payload.byteLength),
  };
  const headers: Record<string, string> = {};
  if (metadata.traceparent !== undefined) headers["traceparent"] = metadata.traceparent;
  if (metadata.tracestate !== undefined) headers["tracestate"] = metadata.tracestate;
  return { subject: content.subject, id: event.id, data: EventEnvelope.encode(envelope).finish(), headers };
}

/**
 * The relay's default mapping: subject ihp.<context>.v1.<type>, the event's data as canonical JSON, so a repeat of
 * the same event is byte-identical.
 */
export function envelopeMessage(context: string): (event: StoredEvent) => BusMessage {
  return (event) =>
    envelopedMessage(event, {
      subject: `ihp.${context}.v1.${event.type}`,
      type: event.type,
      contentType: JSON_CONTENT_TYPE,
      payload: Buffer.from(canonicalJson(event.data), "utf8"),
    });
}

export interface DecodedEnvelope {
  readonly envelope: EventEnvelope;
  /** The payload parsed, when it is JSON (the default mapping); undefined for other content types. */
  readonly data: JsonObject | undefined;
}

/** Reads what envelopeMessage wrote. Throws InvalidEnvelopeError when it is not an envelope of this message's id. */
export function decodeEnvelope(message: BusMessage): DecodedEnvelope {
  let envelope: EventEnvelope;
  try {
    envelope = EventEnvelope.decode(message.data);
  } catch (error) {
    throw new InvalidEnvelopeError(`message ${message.id}: not an EventEnvelope`, { cause: error });
  }
  // The bus de-duplicates by message id: an envelope travelling under another id would be dropped or kept wrongly.
  if (envelope.id !== message.id) {
    throw new InvalidEnvelopeError(`message ${message.id} carries the envelope of event ${envelope.id || "(none)"}`);
  }
  if (envelope.contentType !== JSON_CONTENT_TYPE) return { envelope, data: undefined };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(envelope.payload).toString("utf8"));
  } catch (error) {
    throw new InvalidEnvelopeError(`message ${message.id}: payload is not JSON`, { cause: error });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InvalidEnvelopeError(`message ${message.id}: JSON payload is not an object`);
  }
  return { envelope, data: data as JsonObject };
}
