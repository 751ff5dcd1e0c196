import { setTimeout as delay } from "node:timers/promises";

/**
 * Resolves as soon as `predicate` holds; rejects after `timeoutMs` naming what it waited for. Tests wait on
 * conditions, never for a fixed time (ARCHITECTURE §10); the short poll interval is not a synchronisation point.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}
