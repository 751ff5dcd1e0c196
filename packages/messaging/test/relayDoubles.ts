// Test doubles of the relay tests: buses and a checkpoint store that fail, record or slow down on purpose.
import type { LogPosition } from "@ihp/eventsourcing";
import type { Bus, BusMessage, CheckpointStore, Consumer, ConsumerSpec, MessageHandler } from "../src/index.js";

/** A bus that refuses one message id until healed. */
export class FlakyBus implements Bus {
  attempts = 0;
  private healed = false;

  constructor(
    private readonly inner: Bus,
    private readonly failingId: string,
  ) {}

  heal(): void {
    this.healed = true;
  }

  publish(message: BusMessage): Promise<void> {
    if (message.id === this.failingId && !this.healed) {
      this.attempts += 1;
      return Promise.reject(new Error("bus unavailable"));
    }
    return this.inner.publish(message);
  }

  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer> {
    return this.inner.consume(spec, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Remembers every position saved. */
export class RecordingCheckpoints implements CheckpointStore {
  readonly saved: LogPosition[] = [];

  constructor(private readonly inner: CheckpointStore) {}

  load(name: string): Promise<LogPosition> {
    return this.inner.load(name);
  }

  async save(name: string, position: LogPosition): Promise<void> {
    this.saved.push(position);
    await this.inner.save(name, position);
  }
}

/** Counts the most publishes in flight at once; each takes a few milliseconds. */
export class OverlapCountingBus implements Bus {
  mostAtOnce = 0;
  private inFlight = 0;

  constructor(
    private readonly inner: Bus,
    readonly publishesInOrder: boolean,
  ) {}

  async publish(message: BusMessage): Promise<void> {
    this.inFlight += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.inFlight);
    try {
      const published = this.inner.publish(message);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await published;
    } finally {
      this.inFlight -= 1;
    }
  }

  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer> {
    return this.inner.consume(spec, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
