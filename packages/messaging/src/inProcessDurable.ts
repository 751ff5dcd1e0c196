import { backoffDelay, sleep, type BackoffPolicy } from "./backoff.js";
import type { BusMessage, Consumer, ConsumerSpec, MessageHandler } from "./bus.js";
import { deferred, type Deferred } from "./deferred.js";
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
}

/** Runs a handler over a durable's queue: in order, one message at a time, a failed one retried before the next. */
export class DurableWorker implements Consumer {
  private readonly stopping = new AbortController();
  private wakeUp = deferred();
  private readonly loop: Promise<void>;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly durable: InProcessDurable,
    private readonly spec: ConsumerSpec,
    private readonly handler: MessageHandler,
    private readonly options: WorkerOptions,
  ) {
    this.loop = this.run();
  }

  /** A message was queued. */
  wake(): void {
    this.wakeUp.resolve();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  /** Messages queued for the durable and not yet handled (the one in hand included). */
  pending(): Promise<number> {
    return Promise.resolve(this.durable.queue.length);
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.loop;
    this.durable.worker = undefined;
    // Publishers wait only for running consumers; what is still queued is delivered if the durable resumes.
    for (const pending of this.durable.queue) pending.settled.resolve();
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const pending = this.durable.queue[0];
      if (pending === undefined) {
        this.wakeUp = deferred();
        await this.wakeUp.promise;
        continue;
      }
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
      this.durable.queue.shift();
      pending.settled.resolve();
    }
  }

  private reportGiveUp(message: PendingDelivery["message"] & { deliveryCount: number }, error: unknown): void {
    try {
      this.options.onGiveUp({ durable: this.durable.name, message, error });
    } catch {
      // A failing alert must not stall the consumer; the default listener cannot throw.
    }
  }
}
