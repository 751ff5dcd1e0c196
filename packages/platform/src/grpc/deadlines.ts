/**
 * Deadlines of the in-process calls in flight, on one timer (inProcess.ts): a call adds itself when it starts and
 * removes itself when it ends, a Set operation each, instead of a Timeout of its own per call. The timer is set for
 * the earliest deadline; when it fires, every call whose deadline has passed expires and the timer is set for the
 * next one. Unref'd, as a call's own timer was: a call in flight does not keep the process alive by its deadline.
 */
export interface Expiring {
  /** The deadline, ms since the epoch. */
  readonly deadlineAt: number;
  expire(): void;
}

export class Deadlines {
  private readonly calls = new Set<Expiring>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Watches `call` until `unwatch`; it expires once the clock passes its deadline. */
  watch(call: Expiring): void {
    this.calls.add(call);
    if (call.deadlineAt < this.armedAt) this.arm(call.deadlineAt);
  }

  unwatch(call: Expiring): void {
    // The timer stays: when it fires with nothing due it is set for the next deadline, or left off.
    this.calls.delete(call);
  }

  /** Calls watched (for tests). */
  get size(): number {
    return this.calls.size;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const call of [...this.calls]) {
      if (call.deadlineAt <= now) {
        this.calls.delete(call);
        call.expire();
      } else if (call.deadlineAt < next) next = call.deadlineAt;
    }
    // A deadline added while expiring (a call started from a handler's cancellation) armed the timer already.
    if (next < this.armedAt) this.arm(next);
  }
}
