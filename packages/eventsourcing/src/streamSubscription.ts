import type { CommitSignal } from "./commitSignal.js";
import type { EventStore } from "./eventStore.js";
import type { StoredEvent } from "./types.js";

export interface StreamSubscribeOptions {
  /** Deliver the stream's events with a revision strictly greater than this. Default -1: from its first event. */
  readonly afterRevision?: number;
  /** Ends the subscription: the iterator returns. */
  readonly signal?: AbortSignal;
}

/**
 * A store that can follow one stream by itself (SQLite, PostgreSQL): catch-up from a revision of the stream (an
 * indexed read, whatever the length of the rest of the log), then live, woken only by commits to that stream.
 */
export interface StreamSubscribable {
  /** Every event of the stream after the revision, in revision order, each once, with no gap; ends on abort or close. */
  subscribeStream(streamId: string, options?: StreamSubscribeOptions): AsyncIterable<StoredEvent>;
}

export function canSubscribeToStream(store: EventStore): store is EventStore & StreamSubscribable {
  return typeof (store as Partial<StreamSubscribable>).subscribeStream === "function";
}

/**
 * Follows one stream after `after` (an event of it already seen; undefined: from its start). Uses the store's own
 * stream subscription when it has one; otherwise follows the whole log from `after`'s position and keeps the stream's
 * events (same events, same order; the cost then grows with the other streams' traffic).
 */
export async function* subscribeToStream(
  store: EventStore,
  streamId: string,
  options: { readonly after?: StoredEvent | undefined; readonly signal?: AbortSignal | undefined },
): AsyncGenerator<StoredEvent> {
  const { after, signal } = options;
  const rest = signal === undefined ? {} : { signal };
  if (canSubscribeToStream(store)) {
    yield* store.subscribeStream(streamId, { afterRevision: after?.revision ?? -1, ...rest });
    return;
  }
  for await (const event of store.subscribe({ ...(after === undefined ? {} : { after: after.position }), ...rest })) {
    if (event.streamId === streamId) yield event;
  }
}

/** What a store hands followStream: how to read a page of the stream, and its commit signal and state. */
export interface StreamFollowing {
  readonly signal: CommitSignal;
  /** At most `limit` events of the stream with a revision greater than `after`, in revision order. */
  read(after: number, limit: number): Promise<readonly StoredEvent[]> | readonly StoredEvent[];
  /** The store is closed. */
  closed(): boolean;
  /** How long a caught-up subscriber waits before reading again without a wake-up (other writers' commits). */
  pollIntervalMs(): number;
}

const STREAM_PAGE = 1_000;

/** The stores' subscribeStream: pages of the stream, then a wait for its next commit (or a poll), until abort or close. */
export async function* followStream(
  store: StreamFollowing,
  streamId: string,
  options: StreamSubscribeOptions,
): AsyncGenerator<StoredEvent> {
  let after = options.afterRevision ?? -1;
  const abort = options.signal;
  const ended = (): boolean => store.closed() || abort?.aborted === true;
  const watch = store.signal.watchStream(streamId);
  try {
    while (!ended()) {
      const seen = watch.commits;
      let page: readonly StoredEvent[];
      try {
        page = await store.read(after, STREAM_PAGE);
      } catch (error) {
        if (ended()) return;
        throw error;
      }
      for (const event of page) {
        yield event;
        after = event.revision;
        if (ended()) return;
      }
      if (page.length < STREAM_PAGE) await store.signal.nextInStream(watch, seen, store.closed(), abort, store.pollIntervalMs());
    }
  } finally {
    watch.dispose();
  }
}
