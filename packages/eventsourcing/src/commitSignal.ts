/**
 * What a store's subscribers wait on between pages: its own commits wake them at once; other writers' commits (another
 * process, another replica) are found by polling every `pollIntervalMs`.
 *
 * Two kinds of waiter: whole-log subscribers wake at every commit; stream subscribers (issue 15: a consult's message
 * watcher) wake only for commits to their own stream, so a watcher costs nothing when other streams are written.
 */
export class CommitSignal {
  /** Commits made by this instance so far. */
  commits = 0;
  /** Stream waiters woken so far (a test and benchmark figure: what other streams' commits must not move). */
  streamWakeups = 0;
  private readonly waiters = new Set<() => void>();
  /** Stream id → the watches of subscribers to that stream, for their whole life (not only while they wait). */
  private readonly streams = new Map<string, Set<StreamWatch>>();

  constructor(private readonly pollIntervalMs: number) {}

  /** Counts a commit and wakes every subscriber waiting for one. */
  committed(): void {
    this.commits++;
    this.wake();
  }

  /** Wakes every waiting subscriber, stream subscribers included (a commit of unknown streams, or the store closing). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
    for (const watches of this.streams.values()) for (const watch of watches) this.wakeWatch(watch);
  }

  /** After this instance's commit to these streams: wakes whole-log subscribers and those streams' subscribers. */
  wakeCommitted(streamIds: Iterable<string>): void {
    for (const waiter of [...this.waiters]) waiter();
    this.streamsCommitted(streamIds);
  }

  /** Wakes the subscribers of these streams only (whose commit this instance made or was told the streams of). */
  streamsCommitted(streamIds: Iterable<string>): void {
    for (const streamId of streamIds) {
      const watches = this.streams.get(streamId);
      if (watches !== undefined) for (const watch of watches) this.wakeWatch(watch);
    }
  }

  /**
   * Resolves at the next commit after `seen`, after one poll interval (`pollIntervalMs` overrides the store's), or on
   * abort; at once when `seen` is stale, the store closed or the signal already aborted (an abort that landed while
   * the subscriber read its page fired no event the wait could still hear).
   */
  next(seen: number, closed: boolean, signal: AbortSignal | undefined, pollIntervalMs = this.pollIntervalMs): Promise<void> {
    if (this.commits !== seen || closed || signal?.aborted === true) return Promise.resolve();
    return waitFor(this.waiters, signal, pollIntervalMs);
  }

  /** Registers a stream subscriber; dispose() when it ends. */
  watchStream(streamId: string): StreamWatch {
    let watches = this.streams.get(streamId);
    if (watches === undefined) {
      watches = new Set();
      this.streams.set(streamId, watches);
    }
    const own = watches;
    const watch: StreamWatch = {
      commits: 0,
      waiters: new Set(),
      dispose: () => {
        own.delete(watch);
        if (own.size === 0 && this.streams.get(streamId) === own) this.streams.delete(streamId);
      },
    };
    own.add(watch);
    return watch;
  }

  /** Like next(), for a stream subscriber: resolves at its stream's next commit after `seen`, a poll, or an abort. */
  nextInStream(
    watch: StreamWatch,
    seen: number,
    closed: boolean,
    signal: AbortSignal | undefined,
    pollIntervalMs = this.pollIntervalMs,
  ): Promise<void> {
    if (watch.commits !== seen || closed || signal?.aborted === true) return Promise.resolve();
    return waitFor(watch.waiters, signal, pollIntervalMs);
  }

  private wakeWatch(watch: StreamWatch): void {
    watch.commits++;
    this.streamWakeups++;
    for (const waiter of [...watch.waiters]) waiter();
  }
}

/** One stream subscriber's commit counter and its waiter while it waits. */
export interface StreamWatch {
  commits: number;
  readonly waiters: Set<() => void>;
  dispose(): void;
}

function waitFor(waiters: Set<() => void>, signal: AbortSignal | undefined, pollIntervalMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, pollIntervalMs);
    waiters.add(done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
