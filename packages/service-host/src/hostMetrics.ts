import { type EventStore, isAnchorable, type LogPosition, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import type { Consumer, ConsumerSpec, MessageHandler } from "@ihp/messaging";
import { createMetricsRegistry, type MetricsRegistry as Registry, scrapeGauge, sharedCounter, sharedHistogram } from "@ihp/platform";

import { overriding } from "./overriding.js";

/**
 * The operational series of a hosted service (packages/platform/README.md lists them). Gauges are read when
 * Prometheus scrapes; the `context` label names the bounded context, the registry's default `service` label the
 * process's service.
 */
export interface HostMetrics {
  readonly registry: Registry;
  /** The store with every append timed (ihp_event_append_seconds): handlers, audit and checkpoints append through it. */
  timed(store: EventStore): EventStore;
  /** Relay lag: log head − the relay's saved position. Returns the unwatch function. */
  watchRelay(store: EventStore, published: () => Promise<LogPosition>): () => void;
  /** Projection lag: log head − the projection's committed checkpoint. */
  watchProjection(store: EventStore, projection: string, checkpoint: () => Promise<LogPosition>): () => void;
  /** Consumer lag (messages stored for the durable, not yet delivered). */
  watchConsumer(durable: string, consumer: Consumer): () => void;
  /** Seconds since `lastCovered()` (the last time a signed checkpoint covered the head); nothing before the first. */
  watchCheckpointAge(lastCovered: () => Date | undefined, clock: () => Date): () => void;
  /** ihp_health_serving: 1 while `serving()` (grpc.health.v1 SERVING), 0 otherwise; read at scrape time. */
  watchServing(serving: () => boolean): () => void;
  /** Counts redeliveries and dead letters (a failure on the last allowed delivery) around a consumer's handler. */
  counted(spec: ConsumerSpec, handler: MessageHandler): MessageHandler;
}

export function createHostMetrics(context: string, registry?: Registry): HostMetrics {
  const reg = registry ?? createMetricsRegistry({ serviceName: context, defaultMetrics: false });
  const appendSeconds = sharedHistogram(reg, {
    name: "ihp_event_append_seconds",
    help: "Time to append one batch of events to the service's event store, by outcome (ok, conflict, error)",
    labelNames: ["context", "outcome"],
  });
  const relayLag = scrapeGauge(reg, { name: "ihp_relay_lag_events", help: "Log head position minus the relay's last published position", labelNames: ["context"] });
  const projectionLag = scrapeGauge(reg, {
    name: "ihp_projection_lag_events",
    help: "Log head position minus the projection's committed checkpoint",
    labelNames: ["context", "projection"],
  });
  const consumerLag = scrapeGauge(reg, { name: "ihp_consumer_pending_messages", help: "Messages stored for a durable consumer and not yet delivered", labelNames: ["durable"] });
  const checkpointAge = scrapeGauge(reg, {
    name: "ihp_log_checkpoint_age_seconds",
    help: "Seconds since a signed log checkpoint last covered the log head",
    labelNames: ["context"],
  });
  const healthServing = scrapeGauge(reg, { name: "ihp_health_serving", help: "1 while the service reports SERVING on grpc.health.v1, 0 when NOT_SERVING", labelNames: ["context"] });
  const redeliveries = sharedCounter(reg, { name: "ihp_consumer_redeliveries_total", help: "Messages delivered again after a failure or timeout", labelNames: ["durable"] });
  const deadLetters = sharedCounter(reg, { name: "ihp_dead_letters_total", help: "Messages a consumer gave up on after maxDeliver failures", labelNames: ["durable"] });

  const lagAgainstHead = (store: EventStore, behind: () => Promise<LogPosition>) => async (): Promise<number> => {
    if (!isAnchorable(store)) throw new Error("no log head");
    const [head, position] = await Promise.all([store.head(), behind()]);
    return head.position > position ? Number(head.position - position) : 0;
  };

  return {
    registry: reg,
    timed(store) {
      const append: EventStore["append"] = async (streamId, events, expected) => {
        const end = appendSeconds.startTimer({ context });
        try {
          const result = await store.append(streamId, events, expected);
          end({ outcome: "ok" });
          return result;
        } catch (error) {
          end({ outcome: error instanceof WrongExpectedRevisionError ? "conflict" : "error" });
          throw error;
        }
      };
      const appendMany: EventStore["appendMany"] = async (batch) => {
        const end = appendSeconds.startTimer({ context });
        try {
          const results = await store.appendMany(batch);
          end({ outcome: "ok" });
          return results;
        } catch (error) {
          end({ outcome: error instanceof WrongExpectedRevisionError ? "conflict" : "error" });
          throw error;
        }
      };
      return overriding(store, { append, appendMany });
    },
    watchRelay(store, published) {
      const lag = lagAgainstHead(store, published);
      return relayLag.watch(async () => [{ labels: { context }, value: await lag() }]);
    },
    watchProjection(store, projection, checkpoint) {
      const lag = lagAgainstHead(store, checkpoint);
      return projectionLag.watch(async () => [{ labels: { context, projection }, value: await lag() }]);
    },
    watchConsumer(durable, consumer) {
      if (consumer.pending === undefined) return () => false;
      return consumerLag.watch(async () => [{ labels: { durable }, value: (await consumer.pending?.()) ?? 0 }]);
    },
    watchCheckpointAge(lastCovered, clock) {
      return checkpointAge.watch(() => {
        const last = lastCovered();
        return last === undefined ? [] : [{ labels: { context }, value: Math.max(0, (clock().getTime() - last.getTime()) / 1_000) }];
      });
    },
    watchServing(serving) {
      return healthServing.watch(() => [{ labels: { context }, value: serving() ? 1 : 0 }]);
    },
    counted(spec, handler) {
      const { durable, maxDeliver } = spec;
      // Zero-valued series from the start, so rate() and increase() see the first one.
      redeliveries.inc({ durable }, 0);
      deadLetters.inc({ durable }, 0);
      // Only a failure of the last allowed delivery is a dead letter; the handler's promise is watched for that one
      // alone, and any other delivery goes straight to the handler (an async wrapper per message less, issue 15).
      const lastDelivery: MessageHandler = async (message) => {
        try {
          await handler(message);
        } catch (error) {
          deadLetters.inc({ durable });
          throw error;
        }
      };
      return (message) => {
        if (message.deliveryCount > 1) redeliveries.inc({ durable });
        return maxDeliver !== undefined && message.deliveryCount >= maxDeliver ? lastDelivery(message) : handler(message);
      };
    },
  };
}
