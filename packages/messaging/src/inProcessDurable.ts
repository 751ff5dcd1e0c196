import { backoffDelay, sleep, type BackoffPolicy } from "./backoff.js";
import type { BusMessage, Consumer, ConsumerSpec, MessageHandler } from "./bus.js";
import type { Deferred } from "./deferred.js";
import type { GiveUpListener } from "./giveUp.js";

/** One message waiting for one durable consumer. */
export interface PendingDelivery {
  readonly message: BusMessage;
  /** Deliveries so far; kept across stop and resume, like JetStream's delivery count. */
  deliveries: number;
  /** Resolves when the durable has handled the message, given up on it, or stopped. */
  readonly settled: Deferred<void>;
}

/**
 * A named consumer's state in the in-process bus: its subjects and its queue, which outlive any one consume() so the
 * durable resumes where it stopped (for the life of the process).
 */
export class InProcessDurable {
  readonly queue: PendingDelivery[] = [];
  worker: DurableWorker | undefined;

  constructor(
    readonly name: string,
    public subjects: readonly string[],
  ) {}
}

export interface WorkerOptions {
  readonly redelivery: BackoffPolicy;
  readonly onGiveUp: GiveUpListener;
  /** Lanes: messages handled at once (the spec's concurrency, checked). */
  readonly concurrency: number;
}

/**
 * Runs a handler over a durable's queue in `concurrency` lanes. Each lane takes the oldest message no other lane holds
 * and keeps it until it is handled or given up, retrying it after its backoff. One lane (the default) is therefore
 * in order, a failed message retried before the next; several handle the queue out of order, and a failing message
 * holds only its own lane.
 */
export class DurableWorker implements Consumer {
  private readonly stopping = new AbortController();
  /** Messages a lane is handling or waiting to retry; they stay in the queue (pending() counts them) until settled. */
  private readonly inHand = new Set<PendingDelivery>();
  /** Idle lanes, woken together when a message is queued (those that find nothing left go back to sleep). */
  private sleepers: (() => void)[] = [];
  private readonly lanes: Promise<void>[];
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly durable: InProcessDurable,
    private readonly spec: ConsumerSpec,
    private readonly handler: MessageHandler,
    private readonly options: WorkerOptions,
  ) {
    this.lanes = Array.from({ length: options.concurrency }, () => this.runLane());
  }

  /** A message was queued. */
  wake(): void {
    const woken = this.sleepers;
    this.sleepers = [];
    for (const resolve of woken) resolve();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  /** Messages queued for the durable and not yet handled (those in hand included). */
  pending(): Promise<number> {
    return Promise.resolve(this.durable.queue.length);
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await Promise.all(this.lanes);
    this.durable.worker = undefined;
    // Publishers wait only for running consumers; what is still queued is delivered if the durable resumes.
    for (const pending of this.durable.queue) pending.settled.resolve();
  }

  private async runLane(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      // At most `concurrency` messages are in hand, so this looks past only that many.
      const pending = this.durable.queue.find((queued) => !this.inHand.has(queued));
      if (pending === undefined) {
        await new Promise<void>((resolve) => this.sleepers.push(resolve));
        continue;
      }
      this.inHand.add(pending);
      try {
        await this.deliver(pending, signal);
      } finally {
        this.inHand.delete(pending);
      }
    }
  }

  /** Delivers one message until it is handled or given up; returns early, leaving it queued, when stopping. */
  private async deliver(pending: PendingDelivery, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      pending.deliveries += 1;
      const message = { ...pending.message, deliveryCount: pending.deliveries };
      try {
        await this.handler(message);
      } catch (error) {
        if (this.spec.maxDeliver === undefined || pending.deliveries < this.spec.maxDeliver) {
          await sleep(backoffDelay(this.options.redelivery, pending.deliveries), signal);
          continue;
        }
        this.reportGiveUp(message, error);
      }
      this.settle(pending);
      return;
    }
  }

  private settle(pending: PendingDelivery): void {
    const queue = this.durable.queue;
    // With one lane it is the head; with several, one of the first few.
    const index = queue.indexOf(pending);
    if (index >= 0) queue.splice(index, 1);
    pending.settled.resolve();
  }

  private reportGiveUp(message: PendingDelivery["message"] & { deliveryCount: number }, error: unknown): void {
    try {
      this.options.onGiveUp({ durable: this.durable.name, message, error });
    } catch {
      // A failing alert must not stall the consumer; the default listener cannot throw.
    }
  }
}
