import { FeedEntry } from "@ihp/contracts/reporting";
import { type Bus, type BusMessage, type Consumer, decodeEnvelope } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import { type FeedEntryView, feedEntryView } from "../contexts/feed/mapping.js";

/** Integration event the reporting service publishes for every feed entry it records. */
export const FEED_ENTRY_SUBJECT = "ihp.reporting.v1.FeedEntryRecorded";

const PROTOBUF = /^application\/x-protobuf(\s*;|$)/;

/**
 * The FeedEntry an envelope carries: protobuf (content type application/x-protobuf; proto=ihp.reporting.v1.FeedEntry)
 * or the proto3 JSON form (the relay's default JSON mapping). Undefined when it is neither or lacks what routing needs.
 */
export function feedEntryOf(message: BusMessage): FeedEntryView | undefined {
  const { envelope, data } = decodeEnvelope(message);
  let entry: FeedEntry;
  if (PROTOBUF.test(envelope.contentType)) entry = FeedEntry.decode(envelope.payload);
  else if (data !== undefined) entry = FeedEntry.fromJSON(data);
  else return undefined;
  if (entry.position === "" || entry.jurisdiction === "") return undefined;
  return feedEntryView(entry);
}

/** Long enough to outlast a pod restart in place (same name, e.g. a StatefulSet), short enough not to pile up. */
export const FEED_DURABLE_INACTIVE_MS = 10 * 60_000;

/**
 * Consumes feed entries from the bus into the subscriptions of this process. The durable is per gateway instance:
 * a shared one would split entries between replicas, and each replica's subscribers must see all of them.
 * A message that cannot be read is logged and acknowledged: redelivering it would only block the ones behind it.
 * While nobody subscribes (`listening` false), a message is acknowledged unread: the entry would reach no one (issue
 * 15: a gateway without live subscribers decoded every entry, envelope and FeedEntry, only to drop it).
 */
export function consumeFeed(options: {
  readonly bus: Bus;
  readonly durable: string;
  readonly logger: Logger;
  readonly publish: (entry: FeedEntryView) => void;
  /** Whether an entry would reach anyone now. Default: always. */
  readonly listening?: () => boolean;
}): Promise<Consumer> {
  // The durable is named after the pod, so a rollout leaves the old pods' durables behind: JetStream drops them after
  // FEED_DURABLE_INACTIVE_MS without a pull. A new one starts at new entries: the feed pushes to live subscribers
  // only (a client catches up through the feed query), so replaying the stream would flood them with old entries.
  const spec = { durable: options.durable, subjects: [FEED_ENTRY_SUBJECT], inactiveThresholdMs: FEED_DURABLE_INACTIVE_MS, startAt: "new" } as const;
  const listening = options.listening ?? (() => true);
  return options.bus.consume(spec, (message) => {
    if (!listening()) return Promise.resolve();
    try {
      const entry = feedEntryOf(message);
      if (entry === undefined) options.logger.warn({ messageId: message.id }, "feed entry without position or jurisdiction dropped");
      else options.publish(entry);
    } catch (error) {
      options.logger.warn({ err: error, messageId: message.id }, "unreadable feed entry dropped");
    }
    return Promise.resolve();
  });
}
