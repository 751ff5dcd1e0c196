import { type Bus, contextStream, type GiveUpListener, InProcessBus, loadTransitKeys, NatsJetStreamBus } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";

/**
 * Streams the service needs: those of the contexts it consumes (identity, consult, prescription, pharmacy, records) and its own
 * (the feed subject). Idempotent to provision, also when the producing services provision the same ones.
 */
export const FEED_STREAMS = [
  contextStream("identity"),
  contextStream("consult"),
  contextStream("prescription"),
  contextStream("pharmacy"),
  contextStream("records"),
  contextStream("reporting"),
];

/**
 * A consumer gave up on a message after maxDeliver deliveries: the alert, as an error line with a stable code that
 * log-based alerting matches. Ids and codes only.
 */
export function logGiveUp(logger: Logger): GiveUpListener {
  return ({ durable, message, error }) => {
    const cause = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "UNKNOWN";
    const { id: messageId, subject, deliveryCount } = message;
    logger.error(
      { code: "FEED_MESSAGE_GIVEN_UP", durable, messageId, subject, cause, deliveryCount },
      "gave up on a source event: it is not in the regulator feed",
    );
  };
}

/**
 * The bus the service owns when none is injected: NATS JetStream when NATS_URL names servers (distributed mode),
 * else a private in-process bus — which nothing else publishes to, so the feed then only serves what is stored.
 */
export async function connectOwnBus(natsUrl: string | undefined, name: string, logger: Logger, transitKeyFile?: string): Promise<Bus> {
  const onGiveUp = logGiveUp(logger);
  if (natsUrl === undefined) {
    logger.warn("no NATS_URL and no shared bus: the feed receives no source events");
    return new InProcessBus({ onGiveUp });
  }
  const servers = natsUrl.split(",").map((server) => server.trim());
  const transit = transitKeyFile === undefined ? undefined : loadTransitKeys(transitKeyFile);
  return NatsJetStreamBus.connect({ servers, name, streams: FEED_STREAMS, onGiveUp, transit });
}
