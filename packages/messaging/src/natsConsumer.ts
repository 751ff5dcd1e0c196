import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import type { Consumer, ConsumerSpec, DeliveredMessage, MessageHandler } from "./bus.js";
import { concurrencyOf, limiter, type Limiter } from "./concurrency.js";
import type { GiveUpListener } from "./giveUp.js";
import { ensureDurable, streamsFor, supportsMultipleFilters } from "./natsDurables.js";
import { fromNatsHeaders, MSG_ID_HEADER } from "./natsHeaders.js";
import { assertFilterSubject, matchesAny } from "./subjects.js";

export interface JetStreamConsumerOptions {
  /**
   * Messages buffered per pull (raised to the spec's concurrency); batch × handler time / concurrency must stay under
   * ackWait or buffered messages get redelivered.
   */
  readonly batch: number;
  readonly maxAckPending: number | undefined;
  /** nak delay for a rejected message, growing with its delivery count. */
  readonly redelivery: BackoffPolicy;
  readonly onGiveUp: GiveUpListener;
  /** A pull loop ended on an error it could not recover from (the client recovers from reconnects by itself). */
  readonly onError: (error: unknown) => void;
}

interface Connection {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/**
 * A ConsumerSpec on JetStream: one durable pull consumer (explicit ack) per stream that stores the spec's subjects,
 * all feeding one handler, one message at a time, or up to spec.concurrency at once (shared across the streams; the
 * durables' max_ack_pending is raised to it if lower). Differences from the in-process bus, all within at-least-once:
 * - a rejected message is nak'ed with a delay and the messages after it go on being handled meanwhile, so order
 *   holds only while handlers succeed;
 * - stop() leaves what was buffered but not yet handled unacked: it comes again after ackWait;
 * - consuming a durable that runs elsewhere (or twice here) shares its messages out instead of failing.
 */
export async function startJetStreamConsumer(
  connection: Connection,
  spec: ConsumerSpec,
  handler: MessageHandler,
  options: JetStreamConsumerOptions,
): Promise<Consumer> {
  spec.subjects.forEach(assertFilterSubject);
  const byStream = await streamsFor(connection.jsm, spec.subjects);
  const multiFilter = supportsMultipleFilters(connection.nc);
  const concurrency = concurrencyOf(spec);
  // One set of slots for every stream of the spec: at 1, a spec spanning several streams still sees one at a time.
  const slots = limiter(concurrency);
  const process = (msg: JsMsg): Promise<void> => handle(msg, spec, handler, options);
  const loops: PullLoop[] = [];
  try {
    for (const [stream, subjects] of byStream) {
      await ensureDurable(connection.jsm, stream, spec, subjects, multiFilter, { configured: options.maxAckPending, atLeast: concurrency });
      // Servers before 2.10 take one filter subject: with several, the consumer takes the whole stream and the
      // messages no subject wants are acked unseen.
      const accept = subjects.length > 1 && !multiFilter ? (subject: string) => matchesAny(subjects, subject) : () => true;
      const consumer = await connection.js.consumers.get(stream, spec.durable);
      // A smaller buffer than the slots would leave slots idle.
      const messages = await consumer.consume({ max_messages: Math.max(options.batch, concurrency) });
      loops.push(new PullLoop(messages, accept, process, slots, options.onError));
    }
  } catch (error) {
    await stopAll(loops, slots);
    throw error;
  }
  return {
    async stop(): Promise<void> {
      await stopAll(loops, slots);
      // Acks are fire-and-forget; a round trip makes sure the server has them before a resumed durable pulls again.
      if (!connection.nc.isClosed()) await connection.nc.flush().catch(() => undefined);
    },
    async pending(): Promise<number> {
      const infos = await Promise.all([...byStream.keys()].map((stream) => connection.jsm.consumers.info(stream, spec.durable)));
      return infos.reduce((sum, info) => sum + info.num_pending, 0);
    },
  };
}

/** No new message is taken once the loops stopped; then the handlers in flight finish (their acks sent). */
async function stopAll(loops: readonly PullLoop[], slots: Limiter): Promise<void> {
  await Promise.all(loops.map((loop) => loop.stop()));
  await slots.idle();
}

async function handle(
  msg: JsMsg,
  spec: ConsumerSpec,
  handler: MessageHandler,
  options: JetStreamConsumerOptions,
): Promise<void> {
  const message: DeliveredMessage = {
    subject: msg.subject,
    // Messages published by others may lack the header; the stream sequence still names them uniquely.
    id: msg.headers?.get(MSG_ID_HEADER) || `${msg.info.stream}:${msg.seq}`,
    data: msg.data.slice(),
    headers: fromNatsHeaders(msg.headers),
    deliveryCount: msg.info.deliveryCount,
  };
  try {
    await handler(message);
    msg.ack();
  } catch (error) {
    if (spec.maxDeliver !== undefined && message.deliveryCount >= spec.maxDeliver) {
      msg.term();
      try {
        options.onGiveUp({ durable: spec.durable, message, error });
      } catch {
        // A failing alert must not stall the consumer.
      }
      return;
    }
    msg.nak(backoffDelay(options.redelivery, message.deliveryCount));
  }
}

/** Pulls from one stream's consumer until stopped, handing each message to a free slot without waiting for it. */
class PullLoop {
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly messages: ConsumerMessages,
    private readonly accept: (subject: string) => boolean,
    private readonly process: (msg: JsMsg) => Promise<void>,
    private readonly slots: Limiter,
    private readonly onError: (error: unknown) => void,
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.messages.close();
    await this.done;
  }

  private async run(): Promise<void> {
    try {
      for await (const msg of this.messages) {
        // Buffered when stop() came: left unacked, the server redelivers them after ack_wait. Not nak'ed: once the
        // subscription is gone, nats-server 2.9 may hand a nak'ed message to the dead pull request (delaying it by
        // ack_wait anyway) or deliver it twice.
        if (this.stopping) continue;
        if (!this.accept(msg.subject)) {
          msg.ack();
          continue;
        }
        await this.slots.acquire();
        // stop() may have come while this waited for a slot: leave the message unacked like the other buffered ones.
        if (this.stopping) {
          this.slots.release();
          continue;
        }
        void this.start(msg);
      }
    } catch (error) {
      if (!this.stopping) this.onError(error);
    }
  }

  /** Handles one message in its slot while the loop goes on to the next; never rejects. */
  private async start(msg: JsMsg): Promise<void> {
    try {
      await this.process(msg);
    } catch (error) {
      // handle() catches the handler's failures; what is left (an ack on a closed connection) leaves the message
      // unacked, redelivered after ackWait, and is reported like a failing pull loop.
      if (!this.stopping) this.report(error);
    } finally {
      this.slots.release();
    }
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A failing reporter must not leave a slot held.
    }
  }
}
