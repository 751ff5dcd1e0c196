import type { LogPosition } from "@ihp/eventsourcing";
import type { CheckpointStore } from "./checkpointStore.js";

/**
 * Saves a moving checkpoint without queueing a write per event: while one save runs, newer positions only raise the
 * target, and the next save writes the latest. While events keep coming, saves are at least `minIntervalMs` apart (a
 * synchronous store otherwise wrote once per event: a commit per event on the event loop, issue 15); flush() saves at
 * once. A failed save is reported and retried at the next position or flush; an old checkpoint only means events are
 * published again, which the bus and consumers absorb.
 */
export class CheckpointSaver {
  private wanted: LogPosition;
  private saved: LogPosition;
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private lastSaveAt = Number.NEGATIVE_INFINITY;
  /** Ends the wait before the next save early (flush()). */
  private endPause: (() => void) | undefined;

  constructor(
    private readonly store: CheckpointStore,
    private readonly name: string,
    from: LogPosition,
    private readonly onError: (error: unknown) => void,
    private readonly minIntervalMs = 0,
  ) {
    this.wanted = from;
    this.saved = from;
  }

  /** Everything up to and including `position` has been published. */
  advance(position: LogPosition): void {
    if (position <= this.wanted) return;
    this.wanted = position;
    this.startDrain();
  }

  /** Waits for the saves in progress, then tries once more if the latest position is not saved yet. */
  async flush(): Promise<void> {
    this.endPause?.();
    await this.drained;
    if (this.saved < this.wanted) {
      this.startDrain();
      await this.drained;
    }
  }

  private startDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drained = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      // Re-reads `wanted` after each save; no await between the last check and `draining = false`, so no advance()
      // can slip in unseen.
      while (this.saved < this.wanted) {
        const wait = this.lastSaveAt + this.minIntervalMs - performance.now();
        if (wait > 0) await this.rest(wait);
        const target = this.wanted;
        await this.store.save(this.name, target);
        this.saved = target;
        this.lastSaveAt = performance.now();
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.draining = false;
    }
  }

  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.endPause = undefined;
        resolve();
      };
      const timer = setTimeout(end, ms);
      timer.unref();
      this.endPause = end;
    });
  }
}
