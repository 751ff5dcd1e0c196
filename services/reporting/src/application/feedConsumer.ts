import { DomainError, type EventStore } from "@ihp/eventsourcing";
import type { DeliveredMessage, MessageHandler } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import { isTransientFeedRefusal } from "../domain/feed/feedErrors.js";
import { recordFeedEntry } from "./recordFeedEntry.js";
import { type SourceMessage, UndecodableMessageError } from "./sourceMessage.js";

/** The contexts whose integration events the feed reports: one durable consumer each. */
export type SourceContextName = "identity" | "consult" | "prescription" | "pharmacy" | "records";

export interface FeedSource {
  readonly context: SourceContextName;
  readonly durable: string;
  readonly subjects: readonly string[];
}

/** The feed's durable consumer of identity's integration events (the first; its name predates the others). */
export const FEED_DURABLE = "reporting-feed";
export const IDENTITY_SUBJECTS: readonly string[] = ["ihp.identity.v1.>"];

/** Every source, in the order the service starts their consumers. */
export const FEED_SOURCES: readonly FeedSource[] = [
  { context: "identity", durable: FEED_DURABLE, subjects: IDENTITY_SUBJECTS },
  { context: "consult", durable: "reporting-feed-consult", subjects: ["ihp.consult.v1.>"] },
  { context: "prescription", durable: "reporting-feed-prescription", subjects: ["ihp.prescription.v1.>"] },
  { context: "pharmacy", durable: "reporting-feed-pharmacy", subjects: ["ihp.pharmacy.v1.>"] },
  // REP-04 EMR: records that became SIGNED.
  { context: "records", durable: "reporting-feed-records", subjects: ["ihp.records.v1.>"] },
];

export interface FeedConsumerOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly decode: (message: DeliveredMessage) => SourceMessage;
}

/**
 * Turns a source context's integration events into feed entries. Resolving acknowledges; throwing has the bus
 * redeliver later (bounded by the consumer's maxDeliver, after which the bus's give-up listener alerts). What a retry
 * cannot fix is logged at error level with its stable code and acknowledged, so that it does not hold up the messages
 * behind it — on the in-process bus a failing handler also stalls the publishing relay. Such a message is still in
 * its producer's log (and in the JetStream stream) and can be replayed once fixed. Log lines carry ids and codes only,
 * never payloads (a staff record carries an ID number).
 */
export function feedMessageHandler(options: FeedConsumerOptions): MessageHandler {
  const { store, logger, clock, decode } = options;
  return async (message) => {
    const where = { messageId: message.id, subject: message.subject, deliveryCount: message.deliveryCount };
    let decoded: SourceMessage;
    try {
      decoded = decode(message);
    } catch (error) {
      if (!(error instanceof UndecodableMessageError)) throw error;
      logger.error({ ...where, code: error.code, reason: error.message }, "source message undecodable; acknowledged");
      return;
    }
    if (decoded.kind === "ignored") {
      logger.debug({ ...where, type: decoded.type }, "event not reported to the feed");
      return;
    }
    try {
      const { repeated } = await recordFeedEntry(store, decoded.event, decoded.source, clock());
      logger.debug({ ...where, repeated }, repeated ? "feed entry already recorded" : "feed entry recorded");
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (isTransientFeedRefusal(error)) {
        logger.warn({ ...where, code: error.code }, "feed entry refused for now; the bus will redeliver");
        throw error;
      }
      logger.error({ ...where, code: error.code }, "event cannot be reported to the feed; acknowledged");
    }
  };
}
