import { EventEnvelope } from "@ihp/contracts";
import { FeedEntry } from "@ihp/contracts/reporting";
import type { StoredEvent } from "@ihp/eventsourcing";
import type { BusMessage } from "@ihp/messaging";
import { feedRecordOf } from "../application/feedQueries.js";
import { toFeedEntry } from "./feedEntryProto.js";
import { protobufContentType } from "./contentType.js";

/** The regulator feed as a bus subject: one message per entry, in log order. */
export const FEED_SUBJECT = "ihp.reporting.v1.FeedEntryRecorded";
export const FEED_CONTENT_TYPE = protobufContentType("ihp.reporting.v1.FeedEntry");

/**
 * The relay's mapping: a FeedEntryRecorded event becomes an EventEnvelope whose payload is the protobuf FeedEntry
 * (the same message StreamFeed sends), on FEED_SUBJECT, with the event id as message id so the bus and the platform
 * drop repeats. Every other event of the log (refusals) stays inside the service: null.
 */
export function feedEntryMessage(event: StoredEvent): BusMessage | null {
  const record = feedRecordOf(event);
  if (record === undefined) return null;
  const { metadata } = event;
  const envelope: EventEnvelope = {
    id: event.id,
    type: event.type,
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
    contentType: FEED_CONTENT_TYPE,
    payload: Buffer.from(FeedEntry.encode(toFeedEntry(record)).finish()),
  };
  const headers: Record<string, string> = {};
  if (metadata.traceparent !== undefined) headers["traceparent"] = metadata.traceparent;
  if (metadata.tracestate !== undefined) headers["tracestate"] = metadata.tracestate;
  return { subject: FEED_SUBJECT, id: event.id, data: EventEnvelope.encode(envelope).finish(), headers };
}
