import { DomainError, type EventStore } from "@ihp/eventsourcing";
import type { DeliveredMessage, MessageHandler } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import { isTransientFeedRefusal } from "../domain/feed/feedErrors.js";
import { type IdentityMessage, UndecodableMessageError } from "./identityMessage.js";
import { recordFeedEntry } from "./recordFeedEntry.js";

/** The feed's durable consumer of identity's integration events. */
export const FEED_DURABLE = "reporting-feed";
export const IDENTITY_SUBJECTS: readonly string[] = ["ihp.identity.v1.>"];

export interface FeedConsumerOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly decode: (message: DeliveredMessage) => IdentityMessage;
}

/**
 * Turns identity events into feed entries. Resolving acknowledges; throwing has the bus redeliver later (bounded by
 * the consumer's maxDeliver, after which the bus's give-up listener alerts). What a retry cannot fix is logged at
 * error level with its stable code and acknowledged, so that it does not hold up the messages behind it — on the
 * in-process bus a failing handler also stalls the publishing relay. Such a message is still in identity's log (and
 * in the JetStream stream) and can be replayed once fixed. Log lines carry ids and codes only, never payloads.
 */
export function feedMessageHandler(options: FeedConsumerOptions): MessageHandler {
  const { store, logger, clock, decode } = options;
  return async (message) => {
    const where = { messageId: message.id, subject: message.subject, deliveryCount: message.deliveryCount };
    let decoded: IdentityMessage;
    try {
      decoded = decode(message);
    } catch (error) {
      if (!(error instanceof UndecodableMessageError)) throw error;
      logger.error({ ...where, code: error.code, reason: error.message }, "identity message undecodable; acknowledged");
      return;
    }
    if (decoded.kind === "ignored") {
      logger.debug({ ...where, type: decoded.type }, "identity event not reported to the feed");
      return;
    }
    try {
      const { repeated } = await recordFeedEntry(store, decoded.command, decoded.source, clock());
      logger.debug({ ...where, repeated }, repeated ? "feed entry already recorded" : "feed entry recorded");
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (isTransientFeedRefusal(error)) {
        logger.warn({ ...where, code: error.code }, "feed entry refused for now; the bus will redeliver");
        throw error;
      }
      logger.error({ ...where, code: error.code }, "identity event cannot be reported to the feed; acknowledged");
    }
  };
}
