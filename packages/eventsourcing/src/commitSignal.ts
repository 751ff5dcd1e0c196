/**
 * What a store's subscribers wait on between pages: its own commits wake them at once; other writers' commits (another
 * process, another replica) are found by polling every `pollIntervalMs`.
 */
export class CommitSignal {
  /** Commits made by this instance so far. */
  commits = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly pollIntervalMs: number) {}

  /** Counts a commit and wakes every subscriber waiting for one. */
  committed(): void {
    this.commits++;
    this.wake();
  }

  /** Wakes every waiting subscriber (a commit, or the store closing). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * Resolves at the next commit after `seen`, after one poll interval (`pollIntervalMs` overrides the store's), or on
   * abort; at once when `seen` is stale.
   */
  next(seen: number, closed: boolean, signal: AbortSignal | undefined, pollIntervalMs = this.pollIntervalMs): Promise<void> {
    if (this.commits !== seen || closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, pollIntervalMs);
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
