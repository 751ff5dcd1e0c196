import { performance } from "node:perf_hooks";
import type { BackoffPolicy } from "./backoff.js";
import type { Bus, BusMessage, Consumer, ConsumerSpec, MessageHandler } from "./bus.js";
import { concurrencyOf } from "./concurrency.js";
import { deferred } from "./deferred.js";
import { DuplicateWindow } from "./duplicateWindow.js";
import { BusClosedError, DurableInUseError } from "./errors.js";
import { warnOnGiveUp, type GiveUpListener } from "./giveUp.js";
import { DurableWorker, InProcessDurable } from "./inProcessDurable.js";
import { promised, SETTLED } from "./promised.js";
import { RetainedMessages } from "./retainedMessages.js";
import { SubjectRoutes } from "./subjectRoutes.js";
import { assertFilterSubject, matchesAny } from "./subjects.js";

export interface InProcessBusOptions {
  /** Wait before redelivering a rejected message: initialMs, doubling, capped. Default 1 s … 30 s. */
  readonly redelivery?: BackoffPolicy;
  /** A message id published again within this time is dropped (JetStream's duplicate_window). Default 2 min. */
  readonly duplicateWindowMs?: number;
  /** Monotonic milliseconds, for the duplicate window. Default performance.now. */
  readonly now?: () => number;
  /** Told when a consumer gives up on a message after maxDeliver deliveries. Default: a process warning. */
  readonly onGiveUp?: GiveUpListener;
  /**
   * How many of the latest messages a durable registered for the first time still gets, like a JetStream consumer
   * with DeliverPolicy.All on a stream with a max_msgs limit. Covers consumers that start a little after the relay.
   * Default 10,000; held until endRetention().
   */
  readonly retainMessages?: number;
}

/**
 * The bus of the embedded mode (one process, ARCHITECTURE §3): same port as the JetStream adapter, no server.
 *
 * publish() resolves only when every consumer that is running and listens on the subject has handled the message
 * (its handler resolved, or it gave up after maxDeliver). Nothing here survives the process, so that is what makes
 * the relay safe: it saves its checkpoint after publish resolves, hence after every consumer has recorded the event;
 * a crash before that leaves the checkpoint behind the event and the relay publishes it again on restart.
 * The price is head-of-line blocking: a slow or failing consumer holds up the publisher (the relay) and, through it,
 * every other consumer. A durable with concurrency N > 1 handles up to N queued messages at once (out of order), but
 * only a publisher with several publishes in flight (a relay with maxInFlight > 1; `publishesInOrder` lets an ordered
 * relay do that here) queues more than one: behind a publisher that awaits each publish, the durable still sees one
 * message at a time. A handler must therefore never await a publish that its own consumer will receive.
 *
 * A durable registered for the first time starts with the retained messages on its subjects (retainMessages), unless
 * its spec says startAt "new" or endRetention() was called: the owner's signal that every durable that should see what
 * came before has been created (the embedded platform, once all its services run), after which the bus holds no
 * message that every running consumer has handled, so its memory does not grow with what was published.
 * A durable that is stopped is not waited for: messages on its subjects queue up in memory and are delivered when it
 * resumes, but only within this process. Stop the relay before the consumers (ARCHITECTURE §10) so nothing is
 * published while they are stopped.
 *
 * ackWaitMs is not used: a handler runs in this process, so there is nobody else to redeliver to while it runs.
 */
export class InProcessBus implements Bus {
  private readonly durables = new Map<string, InProcessDurable>();
  /** Which durables each subject goes to; forgotten whenever a durable is created or changes its subjects. */
  private readonly routes = new SubjectRoutes(() => this.durables.values());
  private readonly duplicates: DuplicateWindow;
  private readonly redelivery: BackoffPolicy;
  private readonly onGiveUp: GiveUpListener;
  private readonly retained: RetainedMessages;
  private closed = false;
  /** publish() queues for every durable before its first await, and fails only once closed. */
  readonly publishesInOrder = true;

  constructor(options: InProcessBusOptions = {}) {
    this.redelivery = options.redelivery ?? { initialMs: 1_000, maxMs: 30_000 };
    this.onGiveUp = options.onGiveUp ?? warnOnGiveUp;
    this.retained = new RetainedMessages(options.retainMessages ?? 10_000);
    this.duplicates = new DuplicateWindow(options.duplicateWindowMs ?? 120_000, options.now ?? (() => performance.now()));
  }

  publish(message: BusMessage): Promise<void> {
    // As consume(): a closed bus or an invalid subject is a rejection. promised() hands back the outcome promise
    // itself, so a publish costs no promise or turn of its own (issue 15).
    return promised(() => this.deliver(message));
  }

  /** Queues the message for every durable its subject goes to; the outcome settles once each running one handled it. */
  private deliver(message: BusMessage): Promise<void> {
    if (this.closed) throw new BusClosedError();
    const route = this.routes.of(message.subject);
    const earlier = this.duplicates.lookup(message.id);
    if (earlier !== undefined) return earlier;

    this.retained.add(message);
    const handled: Promise<void>[] = [];
    for (const durable of route) {
      const pending = { message, deliveries: 0, settled: deferred() };
      durable.queue.push(pending);
      if (durable.worker !== undefined) {
        handled.push(pending.settled.promise);
        durable.worker.wake();
      }
    }
    // Most messages go to one running durable or none (issue 15: 8 of a prescribing flow's 12): no Promise.all then.
    const outcome = handled.length <= 1 ? (handled[0] ?? SETTLED) : Promise.all(handled).then(() => undefined);
    this.duplicates.remember(message.id, outcome);
    return outcome;
  }

  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer> {
    return promised(() => this.register(spec, handler));
  }

  /**
   * Every durable that should get the messages published before it was created now exists: drop the retained
   * messages and retain none from now on. A durable created later starts at the messages published after it.
   */
  endRetention(): void {
    this.retained.end();
  }

  check(): Promise<void> {
    return this.closed ? Promise.reject(new BusClosedError()) : Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.duplicates.clear();
    const workers = [...this.durables.values()].flatMap((durable) => (durable.worker ? [durable.worker] : []));
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  private register(spec: ConsumerSpec, handler: MessageHandler): Consumer {
    if (this.closed) throw new BusClosedError();
    if (spec.durable === "" || spec.subjects.length === 0) throw new TypeError("a consumer needs a durable name and subjects");
    spec.subjects.forEach(assertFilterSubject);
    const concurrency = concurrencyOf(spec);
    let durable = this.durables.get(spec.durable);
    if (durable === undefined) {
      durable = new InProcessDurable(spec.durable, spec.subjects);
      const earlier = spec.startAt === "new" ? [] : this.retained.matching(spec.subjects);
      for (const message of earlier) {
        // Their publishers have not waited for this durable, so nobody waits on these either.
        durable.queue.push({ message, deliveries: 0, settled: deferred() });
      }
      this.durables.set(spec.durable, durable);
      this.routes.forget();
    } else if (durable.worker !== undefined) {
      throw new DurableInUseError(spec.durable);
    } else {
      this.resubscribe(durable, spec.subjects);
    }
    const worker = new DurableWorker(durable, spec, handler, { redelivery: this.redelivery, onGiveUp: this.onGiveUp, concurrency });
    durable.worker = worker;
    return worker;
  }

  /** Like changing a JetStream consumer's filter: queued messages the new subjects do not cover are dropped. */
  private resubscribe(durable: InProcessDurable, subjects: readonly string[]): void {
    durable.subjects = subjects;
    this.routes.forget();
    const kept = durable.queue.filter((pending) => matchesAny(subjects, pending.message.subject));
    durable.queue.splice(0, durable.queue.length, ...kept);
  }
}
