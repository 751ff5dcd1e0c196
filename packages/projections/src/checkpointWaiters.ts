import { START, type LogPosition } from "@ihp/eventsourcing";

interface Waiter {
  readonly position: LogPosition;
  readonly resolve: () => void;
  readonly reject: (reason: Error) => void;
}

/** Callers waiting for a projector's checkpoint to reach a position. */
export class CheckpointWaiters {
  private current: LogPosition = START;
  private readonly waiting = new Set<Waiter>();
  /** Why the checkpoint stopped moving; waits that are not already satisfied fail with it until cleared. */
  private failure: { readonly error: unknown } | undefined;

  /** The last checkpoint committed (read without touching the database: metrics). */
  get position(): LogPosition {
    return this.current;
  }

  /** The checkpoint is now this (it moves back to START on a rebuild). */
  moved(position: LogPosition): void {
    this.current = position;
    for (const waiter of this.waiting) {
      if (waiter.position <= position) {
        this.waiting.delete(waiter);
        waiter.resolve();
      }
    }
  }

  fail(error: unknown): void {
    this.failure = { error };
    for (const waiter of this.waiting) waiter.reject(asError(error));
    this.waiting.clear();
  }

  /** The checkpoint may move again (the projector restarted). */
  clearFailure(): void {
    this.failure = undefined;
  }

  wait(position: LogPosition, signal: AbortSignal | undefined): Promise<void> {
    if (position <= this.current) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(asError(this.failure.error));
    if (signal?.aborted === true) return Promise.reject(asError(signal.reason));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiting.delete(waiter);
        reject(asError(signal?.reason));
      };
      const waiter: Waiter = {
        position,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (reason) => {
          signal?.removeEventListener("abort", onAbort);
          reject(reason);
        },
      };
      this.waiting.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** Abort reasons and live-loop failures are Errors in practice; anything else is wrapped so callers get a stack. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason), { cause: reason });
}
