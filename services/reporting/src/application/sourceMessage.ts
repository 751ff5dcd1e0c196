import type { ActivityFact } from "../domain/feed/activityFacts.js";
import type { IdentityFact } from "../domain/feed/facts.js";

/** Any fact a source context reports that the feed has a category for. */
export type FeedFact = IdentityFact | ActivityFact;

/** One source event as the feed records it: its id (the dedup key), the fact's time and the fact. */
export interface ReportedEvent {
  readonly sourceEventId: string;
  /** RFC 3339, from the source event's metadata. */
  readonly occurredAt: string;
  readonly fact: FeedFact;
}

/** Where a fact came from: the source event's envelope, as far as the feed's event metadata needs it. */
export interface SourceContext {
  readonly correlationId: string;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/**
 * A bus message of a source context (identity, consult, prescription, pharmacy), as the feed consumer needs it. The
 * adapters that decode protobuf produce it.
 */
export type SourceMessage =
  /** An event the feed reports. */
  | { readonly kind: "fact"; readonly event: ReportedEvent; readonly source: SourceContext }
  /** An event the feed has no category for (yet): acknowledged and skipped. */
  | { readonly kind: "ignored"; readonly type: string };

/**
 * The message is not an integration event we can read: not an EventEnvelope, another message's envelope, a content
 * type other than the event's protobuf, or a payload that does not decode. `message` names the problem and ids only,
 * never payload content, so it may be logged.
 */
export class UndecodableMessageError extends Error {
  override readonly name = "UndecodableMessageError";
  readonly code = "FEED_MESSAGE_UNDECODABLE";
}
