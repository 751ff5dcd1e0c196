/** Exponential backoff for redeliveries and publish retries: initialMs, 2×, 4× … capped at maxMs. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** The wait before attempt `failures + 1`, after `failures` (≥ 1) failed attempts. */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.initialMs * 2 ** exponent, policy.maxMs);
}

/** Waits `ms`, or less if the signal aborts first. Never rejects: callers check the signal afterwards. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
