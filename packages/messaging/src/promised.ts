/**
 * Runs synchronous work (better-sqlite3) behind an async port: a throw becomes a rejection, never a sync throw. Work
 * that returns a promise gets that promise back, not one wrapping it.
 */
export function promised<T>(work: () => T): Promise<Awaited<T>> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** A promise already settled, shared: for an outcome that needs no waiting, without making one each time. */
export const SETTLED: Promise<void> = Promise.resolve();
