import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import type { Consumer, ConsumerSpec, DeliveredMessage, MessageHandler } from "./bus.js";
import type { GiveUpListener } from "./giveUp.js";
import { ensureDurable, streamsFor, supportsMultipleFilters } from "./natsDurables.js";
import { fromNatsHeaders, MSG_ID_HEADER } from "./natsHeaders.js";
import { assertFilterSubject, matchesAny } from "./subjects.js";

export interface JetStreamConsumerOptions {
  /** Messages buffered per pull; batch × handler time must stay under ackWait or buffered messages get redelivered. */
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
 * all feeding one handler, one message at a time. Differences from the in-process bus, all within at-least-once:
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
  const serial = serializer();
  const process = (msg: JsMsg): Promise<void> => handle(msg, spec, (m) => serial(() => handler(m)), options);
  const loops: PullLoop[] = [];
  try {
    for (const [stream, subjects] of byStream) {
      await ensureDurable(connection.jsm, stream, spec, subjects, multiFilter, options.maxAckPending);
      // Servers before 2.10 take one filter subject: with several, the consumer takes the whole stream and the
      // messages no subject wants are acked unseen.
      const accept = subjects.length > 1 && !multiFilter ? (subject: string) => matchesAny(subjects, subject) : () => true;
      const consumer = await connection.js.consumers.get(stream, spec.durable);
      const messages = await consumer.consume({ max_messages: options.batch });
      loops.push(new PullLoop(messages, accept, process, options.onError));
    }
  } catch (error) {
    await Promise.all(loops.map((loop) => loop.stop()));
    throw error;
  }
  return {
    async stop(): Promise<void> {
      await Promise.all(loops.map((loop) => loop.stop()));
      // Acks are fire-and-forget; a round trip makes sure the server has them before a resumed durable pulls again.
      if (!connection.nc.isClosed()) await connection.nc.flush().catch(() => undefined);
    },
    async pending(): Promise<number> {
      const infos = await Promise.all([...byStream.keys()].map((stream) => connection.jsm.consumers.info(stream, spec.durable)));
      return infos.reduce((sum, info) => sum + info.num_pending, 0);
    },
  };
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

/** Pulls from one stream's consumer until stopped. */
class PullLoop {
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly messages: ConsumerMessages,
    private readonly accept: (subject: string) => boolean,
    private readonly process: (msg: JsMsg) => Promise<void>,
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
        if (!this.accept(msg.subject)) msg.ack();
        else await this.process(msg);
      }
    } catch (error) {
      if (!this.stopping) this.onError(error);
    }
  }
}

/** Runs one task at a time, in call order, so a spec spanning several streams still sees one message at a time. */
function serializer(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
