import type { RecordFeedEntry } from "../domain/feed/feedDecider.js";
import type { SourceContext } from "./recordFeedEntry.js";

/** An identity bus message, as the feed consumer needs it (the adapter that decodes protobuf produces it). */
export type IdentityMessage =
  /** An event the feed reports. */
  | { readonly kind: "fact"; readonly command: RecordFeedEntry; readonly source: SourceContext }
  /** An identity event the feed has no category for (yet): acknowledged and skipped. */
  | { readonly kind: "ignored"; readonly type: string };

/**
 * The message is not an identity integration event we can read: not an EventEnvelope, another message's envelope,
 * a content type other than the event's protobuf, or a payload that does not decode. `message` names the problem
 * and ids only, never payload content, so it may be logged.
 */
export class UndecodableMessageError extends Error {
  override readonly name = "UndecodableMessageError";
  readonly code = "FEED_MESSAGE_UNDECODABLE";
}
