import type { LogHead } from "./checkpoints/logCheckpoint.js";
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

/** One stream's part of a multi-stream append (appendMany): the same three arguments as append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export interface ReadAllOptions {
  /** Return events with position strictly greater than this. Default START. */
  readonly after?: LogPosition;
  /**
   * At most this many events. Required: there is no default page size, so a caller says how many it wants and one
   * that needs the whole log pages with `after` (the last position of the previous page) until a page comes back empty.
   */
  readonly limit: number;
}

export interface SubscribeOptions {
  /** Deliver events with position strictly greater than this (a checkpoint). Default START. */
  readonly after?: LogPosition;
  /** Ends the subscription: the iterator returns. */
  readonly signal?: AbortSignal;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly checked: number;
      readonly lastPosition: LogPosition;
      /** With checkpoints: the highest position a signed checkpoint vouches for (later events have the chain only). */
      readonly anchoredPosition?: LogPosition;
    }
  | {
      readonly ok: false;
      readonly checked: number;
      /** First position at which the log does not verify. */
      readonly position: LogPosition;
      readonly reason: VerifyFailure;
      /**
       * With checkpoints: the last position that still agreed with a signed checkpoint. On CHECKPOINT_MISMATCH the
       * change lies after it and at or before `position`.
       */
      readonly anchoredPosition?: LogPosition;
    };

export type VerifyFailure =
  /** The stored hash is not the hash of the stored content. */
  | "HASH_MISMATCH"
  /** prevHash does not name the previous event's hash (an event was removed, inserted or reordered). */
  | "CHAIN_BROKEN"
  /** A stream's revisions are not 0, 1, 2 … */
  | "REVISION_GAP"
  /**
   * The event at a signed checkpoint's position does not have the checkpoint's head hash: something at or before it
   * was rewritten (the chain after it may have been re-hashed to hide it).
   */
  | "CHECKPOINT_MISMATCH"
  /** The log ends before a signed checkpoint's position: events were cut off; `position` is the first missing one. */
  | "LOG_TRUNCATED"
  /** A checkpoint given to verify was not signed by the trusted key, or its signature does not verify. */
  | "CHECKPOINT_INVALID";

export interface ReadStreamOptions {
  /** Only events with a greater revision; -1 (the default) reads the whole stream. */
  readonly after?: number;
  /**
   * Only the stream's last event (none for a stream that has none): for a stream whose head alone says what it holds
   * now (e.g. a passkey's signature counter), read in constant time however long the stream is. Overrides `after`.
   */
  readonly last?: boolean;
}

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
  /**
   * Appends to several streams in one atomic commit: all of it is written or none of it. Each stream's part is
   * checked as `append` checks it; the first refusal (WrongExpectedRevisionError, DuplicateEventIdError, naming its
   * stream) refuses the whole batch and nothing is written. Idempotency is `append`'s per stream, and the batch is
   * one unit: every event id already stored (each in its own stream) answers every part with duplicate=true and
   * writes nothing; some parts stored and others not (no retry of an atomic batch looks like that) is a
   * DuplicateEventIdError. The events are placed in batch order, exactly as consecutive appends would place them:
   * contiguous positions, one hash chain. A stream may appear once per batch, an event id once (InvalidAppendError).
   * Results are in batch order.
   *
   * KurrentDB refuses a batch of more than one stream with MultiStreamAppendUnsupportedError before writing anything
   * (see its README); `appendToStreams` falls back to consecutive appends there.
   */
  appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]>;
  /**
   * All events of one stream in revision order; empty when the stream does not exist. With `after`, only the events
   * whose revision is greater (the tail a reader that already holds the stream up to `after` is missing).
   */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]>;
  /**
   * A page of the whole log in position order: at most `limit` events after `after`. A page is never the whole log
   * unless it holds fewer than `limit` events; to read everything, page until a page is empty.
   */
  readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]>;
  /**
   * Catch-up then live subscription to the whole log from a checkpoint: every event after it, in position order, each
   * once, with no gap. Ends when the signal aborts or the store closes.
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<StoredEvent>;
  /** Walks the whole log and checks every hash and link; names the first broken position. */
  verify(): Promise<VerifyResult>;
  close(): Promise<void>;
}

/**
 * A log whose whole history one head hash commits to (a single chain across streams), so a signed checkpoint of the
 * head anchors every event up to it. The SQLite adapter is one; KurrentDB is not: its chain is per stream (see its
 * README), so one head hash would not cover the other streams.
 */
export interface AnchorableLog {
  head(): Promise<LogHead>;
}

export function isAnchorable(store: EventStore): store is EventStore & AnchorableLog {
  return typeof (store as Partial<AnchorableLog>).head === "function";
}
