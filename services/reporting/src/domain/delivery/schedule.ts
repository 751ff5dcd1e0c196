// REP-04: when a failed delivery is tried again. Exponential (initialMs, 2×, 4× … capped at maxMs) with "equal
// jitter": half the step fixed, half random, so many messages failed by one outage do not all return at once. The
// schedule is stored in the ack ledger (nextAttemptAt) rather than slept on in memory, which is why an in-process
// retry loop (p-retry, exponential-backoff) does not fit: a restart keeps the schedule and tests move a clock.

export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Attempts before a message is parked in the dead letter. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 5_000, maxMs: 15 * 60_000, maxAttempts: 12 };

/** The wait after the `attempt`-th failed attempt (≥ 1); `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30), policy.maxMs);
  return Math.round(step / 2 + (step / 2) * random);
}

/** The last nightly batch cutoff at or before `now`: midnight Beijing time (16:00 UTC). */
export function nightlyCutoff(now: Date): Date {
  const cutoff = new Date(now);
  cutoff.setUTCHours(16, 0, 0, 0);
  if (cutoff.getTime() > now.getTime()) cutoff.setUTCDate(cutoff.getUTCDate() - 1);
  return cutoff;
}
