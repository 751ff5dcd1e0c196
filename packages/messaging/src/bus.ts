/** A message on the bus. `id` is the event id: the bus drops a repeat (Nats-Msg-Id) and consumers skip it. */
export interface BusMessage {
  /** ihp.<context>.v1.<EventType> */
  readonly subject: string;
  readonly id: string;
  readonly data: Uint8Array;
  /** Trace context (traceparent, tracestate) and other transport headers. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface DeliveredMessage extends BusMessage {
  /** 1 on first delivery, more on redelivery. */
  readonly deliveryCount: number;
}

/** A durable consumer: named, it resumes where it left off; each message is acked after the handler resolves. */
export interface ConsumerSpec {
  /** Durable name, unique per consuming service and purpose, e.g. "reporting-feed". */
  readonly durable: string;
  /** Subjects (wildcards allowed: ihp.identity.v1.>). */
  readonly subjects: readonly string[];
  /** Redeliver when not acked within this time; default 30 s. */
  readonly ackWaitMs?: number;
  /** Give up (and alert) after this many deliveries; default unlimited. */
  readonly maxDeliver?: number;
  /**
   * JetStream removes the durable after this long without a consumer pulling from it (inactive_threshold). For
   * durables named after a pod, which end with the pod at a rollout; default: never removed.
   */
  readonly inactiveThresholdMs?: number;
  /** Where a newly created durable starts: "all" (default, the stream's start) or "new" (only later messages). */
  readonly startAt?: "all" | "new";
  /**
   * Messages of this durable handled at once; default 1: one at a time, in publish order, a failed message retried
   * (after its backoff) before the next. With N > 1, up to N handlers run together and order is NOT kept, as with a
   * JetStream consumer whose max_ack_pending is above 1: only for handlers whose messages are independent of each
   * other and idempotent (the same message may then even be handled twice at once, e.g. a redelivery after ackWait
   * meeting the first attempt). A failed message is retried with the same backoff, maxDeliver and give-up as at 1,
   * and the others go on meanwhile (in process it keeps its slot while it waits for the retry; JetStream frees it).
   * A positive integer, else InvalidConcurrencyError.
   */
  readonly concurrency?: number;
}

/** Resolve to ack. Reject to have the message redelivered later. */
export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

export interface Consumer {
  /** Stops fetching, waits for the handlers in flight (up to the spec's concurrency), then returns. */
  stop(): Promise<void>;
  /** Messages stored for this durable and not yet delivered (JetStream num_pending; in process: its queue). Metrics. */
  pending?(): Promise<number>;
}

/** The bus port. Every adapter passes the bus contract suite in @ihp/testing. */
export interface Bus {
  /** Resolves once the bus has durably accepted the message (JetStream: the PubAck). */
  publish(message: BusMessage): Promise<void>;
  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer>;
  /** Stops consumers, drains, closes the connection. */
  close(): Promise<void>;
  /**
   * Publishes started one after another reach every consumer in that order even while they overlap (none awaited), and
   * a publish fails only once the bus is closed, so nothing is retried out of order: a relay may keep many in flight
   * and still deliver in log order (the in-process bus). Absent (JetStream): a failed publish retried later can land
   * behind later ones.
   */
  readonly publishesInOrder?: boolean;
  /** Resolves when the bus answers now (a NATS round trip), rejects when it does not: health probes. */
  check?(): Promise<void>;
}
