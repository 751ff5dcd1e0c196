import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { BackoffPolicy } from "./backoff.js";
import type { Bus, BusMessage, Consumer, ConsumerSpec, MessageHandler } from "./bus.js";
import { BusClosedError } from "./errors.js";
import { warnOnGiveUp, type GiveUpListener } from "./giveUp.js";
import { startJetStreamConsumer } from "./natsConsumer.js";
import { toNatsHeaders } from "./natsHeaders.js";
import { ensureStreams, type StreamSpec } from "./natsStreams.js";
import { assertPublishSubject } from "./subjects.js";
import type { TransitKeys } from "./transitSealing.js";

export interface NatsJetStreamBusOptions {
  /** e.g. "nats://nats:4222" or several for a cluster. */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server's monitoring, e.g. the service name. */
  readonly name?: string;
  /** Streams provisioned at connect (ensureStreams). */
  readonly streams?: readonly StreamSpec[];
  /**
   * How long JetStream remembers a Nats-Msg-Id. Must cover the longest time between a publish and its repeat by a
   * relay restarted after a crash; beyond it, consumers' processed logs catch the repeat. Default 2 min.
   */
  readonly duplicateWindowMs?: number;
  /** Time to wait for a PubAck. Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** nak delay for a rejected message, doubling with its delivery count. Default 1 s … 30 s. */
  readonly redelivery?: BackoffPolicy;
  /** Messages buffered per consumer and stream. Default 32. */
  readonly fetchBatch?: number;
  /** Unacked messages the server lets a consumer have. Default: the server's (1,000). */
  readonly maxAckPending?: number;
  readonly onGiveUp?: GiveUpListener;
  /** A consumer's pull loop died; default: a process warning. */
  readonly onConsumerError?: (error: unknown) => void;
  /**
   * Seals every published message's data and opens every delivered one (transitSealing.ts), so the broker's storage
   * holds no personal data in clear. A delivered message that does not open is rejected like a failing handler
   * (redelivered, then given up with an alert). Unset: payloads as they are (tests of the bus itself).
   */
  readonly transit?: TransitKeys | undefined;
}

/**
 * The bus of the distributed mode: NATS JetStream. publish() resolves on the PubAck, so the message is stored by the
 * stream; the message id goes out as Nats-Msg-Id and the stream drops repeats within its duplicate window.
 * Consumers are durable pull consumers with explicit acks (see natsConsumer.ts).
 */
export class NatsJetStreamBus implements Bus {
  private readonly consumers = new Set<Consumer>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsJetStreamBusOptions,
  ) {}

  static async connect(options: NatsJetStreamBusOptions): Promise<NatsJetStreamBus> {
    const nc = await connect({
      servers: typeof options.servers === "string" ? options.servers : [...options.servers],
      ...(options.name === undefined ? {} : { name: options.name }),
      // Never give up reconnecting: a service without its bus cannot do anything useful, and the relay and pull
      // consumers resume by themselves once the connection is back.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      reconnectJitter: 500,
      // Notice a dead server within ~30 s rather than the default 4 min.
      pingInterval: 10_000,
      maxPingOut: 3,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const bus = new NatsJetStreamBus(nc, jetstream(nc), jsm, options);
      if (options.streams !== undefined) await bus.ensureStreams(options.streams);
      return bus;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  /** Creates the streams or updates their settings; idempotent. */
  ensureStreams(streams: readonly StreamSpec[]): Promise<void> {
    return ensureStreams(this.jsm, streams, this.options.duplicateWindowMs ?? 120_000);
  }

  async publish(message: BusMessage): Promise<void> {
    if (this.closing !== undefined) throw new BusClosedError();
    assertPublishSubject(message.subject);
    const data = this.options.transit === undefined ? message.data : this.options.transit.seal(message).data;
    // A duplicate PubAck means the stream already holds this id: exactly what the publisher wanted.
    await this.js.publish(message.subject, data, {
      msgID: message.id,
      headers: toNatsHeaders(message.headers),
      timeout: this.options.publishTimeoutMs ?? 5_000,
    });
  }

  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer> {
    if (this.closing !== undefined) throw new BusClosedError();
    const transit = this.options.transit;
    const opening: MessageHandler = transit === undefined ? handler : (message) => handler(transit.open(message));
    const started = await startJetStreamConsumer({ nc: this.nc, js: this.js, jsm: this.jsm }, spec, opening, {
      batch: this.options.fetchBatch ?? 32,
      maxAckPending: this.options.maxAckPending,
      redelivery: this.options.redelivery ?? { initialMs: 1_000, maxMs: 30_000 },
      onGiveUp: this.options.onGiveUp ?? warnOnGiveUp,
      onError: this.options.onConsumerError ?? warnOnConsumerError(spec.durable),
    });
    const consumers = this.consumers;
    const consumer: Consumer = {
      async stop(): Promise<void> {
        consumers.delete(consumer);
        await started.stop();
      },
      pending: () => started.pending?.() ?? Promise.resolve(0),
    };
    consumers.add(consumer);
    return consumer;
  }

  /** A round trip to the server: rejects while the connection is lost (the client reconnects meanwhile). */
  async check(): Promise<void> {
    if (this.closing !== undefined || this.nc.isClosed()) throw new BusClosedError();
    await this.nc.rtt();
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    // drain() flushes what is still buffered (acks, publishes) before closing.
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

function warnOnConsumerError(durable: string): (error: unknown) => void {
  return (error) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(`consumer ${durable} stopped pulling: ${reason}`, { code: "IHP_BUS_CONSUMER_FAILED" });
  };
}
