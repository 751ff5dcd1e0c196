import type { ConsumerSpec } from "./bus.js";
import { InvalidConcurrencyError } from "./errors.js";

/** The spec's concurrency, checked: a positive integer, 1 when unset (one message at a time, in order). */
export function concurrencyOf(spec: ConsumerSpec): number {
  const concurrency = spec.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new InvalidConcurrencyError(spec.durable, concurrency);
  return concurrency;
}

/** Slots for at most `limit` tasks at once; waiters get a slot in the order they asked. */
export interface Limiter {
  /** Resolves once a slot is held; the caller must release() it exactly once. */
  acquire(): Promise<void>;
  release(): void;
  /** Resolves when no slot is held (at once if none is). */
  idle(): Promise<void>;
}

export function limiter(limit: number): Limiter {
  let held = 0;
  const waiting: (() => void)[] = [];
  let idlers: (() => void)[] = [];
  return {
    acquire() {
      if (held < limit) {
        held += 1;
        return Promise.resolve();
      }
      // The slot passes straight from release() to the waiter, so no later caller can overtake it.
      return new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next !== undefined) return next();
      held -= 1;
      if (held > 0) return;
      const woken = idlers;
      idlers = [];
      for (const resolve of woken) resolve();
    },
    idle() {
      return held === 0 ? Promise.resolve() : new Promise((resolve) => idlers.push(resolve));
    },
  };
}
