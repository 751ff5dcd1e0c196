import type { LogPosition, NewEvent, StoredEvent } from "./types.js";

/**
 * What the writer expects the stream to be before the append:
 * - a number: the revision of the stream's last event (the stream has exactly revision + 1 events);
 * - "no_stream": the stream has no events;
 * - "any": no check (use only for streams with a single writer by construction).
 */
export type ExpectedRevision = number | "no_stream" | "any";

export interface AppendResult {
  /**
   * The events as stored (the earlier ones when the append was an idempotent repeat). An adapter may hand back the
   * writer's own data and metadata objects, which are what was stored as JSON.
   */
  readonly events: readonly StoredEvent[];
  /** Revision of the stream's last event after the append: pass it as expectedRevision for the next one. */
  readonly nextExpectedRevision: number;
  /** True when every event id was already stored: nothing was written. */
  readonly duplicate: boolean;
}

export interface ReadAllOptions {
  /** Return events with position strictly greater than this. Default START. */
  readonly after?: LogPosition;
  /** At most this many events. Default 1,000. */
  readonly limit?: number;
}

export interface SubscribeOptions {
  /** Deliver events with position strictly greater than this (a checkpoint). Default START. */
  readonly after?: LogPosition;
  /** Ends the subscription: the iterator returns. */
  readonly signal?: AbortSignal;
}

export type VerifyResult =
  | { readonly ok: true; readonly checked: number; readonly lastPosition: LogPosition }
  | {
      readonly ok: false;
      readonly checked: number;
      /** First position at which the log does not verify. */
      readonly position: LogPosition;
      readonly reason: VerifyFailure;
    };

export type VerifyFailure =
  /** The stored hash is not the hash of the stored content. */
  | "HASH_MISMATCH"
  /** prevHash does not name the previous event's hash (an event was removed, inserted or reordered). */
  | "CHAIN_BROKEN"
  /** A stream's revisions are not 0, 1, 2 … */
  | "REVISION_GAP";

/**
 * The event store port. Every adapter passes the contract suite in @ihp/testing.
 * Appends are atomic per call; the log is append-only; every stored event is hash-chained.
 */
export interface EventStore {
  /**
   * Appends events to one stream, atomically. Throws WrongExpectedRevisionError on a revision conflict.
   * If every event id is already stored in this stream, returns the stored events with duplicate=true and writes
   * nothing; if only some are, throws DuplicateEventIdError. Adapters with an index by event id (SQLite) also refuse
   * an id stored in another stream; KurrentDB cannot (see its README): ids are fresh UUIDv7s, so only a faulty
   * writer would reuse one.
   */
  append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** All events of one stream in revision order; empty when the stream does not exist. */
  readStream(streamId: string): Promise<readonly StoredEvent[]>;
  /** A page of the whole log in position order. */
  readAll(options?: ReadAllOptions): Promise<readonly StoredEvent[]>;
  /**
   * Catch-up then live subscription to the whole log from a checkpoint: every event after it, in position order, each
   * once, with no gap. Ends when the signal aborts or the store closes.
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<StoredEvent>;
  /** Walks the whole log and checks every hash and link; names the first broken position. */
  verify(): Promise<VerifyResult>;
  close(): Promise<void>;
}
