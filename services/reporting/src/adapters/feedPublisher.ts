import { FeedEntry } from "@ihp/contracts/reporting";
import type { StoredEvent } from "@ihp/eventsourcing";
import { envelopedMessage, type BusMessage } from "@ihp/messaging";
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
  return envelopedMessage(event, {
    subject: FEED_SUBJECT,
    type: event.type,
    contentType: FEED_CONTENT_TYPE,
    payload: FeedEntry.encode(toFeedEntry(record)).finish(),
  });
}
