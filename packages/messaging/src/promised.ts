/** Runs synchronous work (better-sqlite3) behind an async port: a throw becomes a rejection, never a sync throw. */
export function promised<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
