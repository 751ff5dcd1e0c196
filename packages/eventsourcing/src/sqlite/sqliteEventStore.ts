import Database from "better-sqlite3";

import { DuplicateEventIdError, StoreClosedError, WrongExpectedRevisionError } from "../errors.js";
import type {
  AnchorableLog,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  SubscribeOptions,
  VerifyResult,
} from "../eventStore.js";
import { type AnchorOptions, checkAnchors } from "../checkpoints/anchors.js";
import type { LogHead } from "../checkpoints/logCheckpoint.js";
import { GENESIS_HASH, hashEvent } from "../hashChain.js";
import { START, type NewEvent, type StoredEvent } from "../types.js";
import { CommitSignal } from "../commitSignal.js";
import { followStream, type StreamSubscribable, type StreamSubscribeOptions } from "../streamSubscription.js";
import { rowToEvent } from "../storedRows.js";
import { SCHEMA_SQL, type EventRow } from "./schema.js";
import { validateAppend, type EncodedEvent } from "../validateAppend.js";
import { verifyRows } from "./verifyRows.js";

export interface SqliteEventStoreOptions {
  /** File path, or ":memory:". */
  readonly path: string;
  /** Time source for recordedAt. */
  readonly clock?: () => Date;
  /**
   * How often a caught-up subscription looks for events written by another process. Appends through this instance
   * wake subscribers at once. Default 500 ms.
   */
  readonly pollIntervalMs?: number;
}

type Outcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

/** The end of the log as the batch transaction advances it: last position and hash, and the batch's recordedAt. */
interface LogTail {
  position: bigint;
  hash: string;
  readonly recordedAt: string;
  /** Streams this batch appended to, and their new last revision. */
  readonly revisions: Map<string, number>;
}

interface BatchWritten {
  readonly outcomes: readonly Outcome[];
  /** Streams appended to and their new last revision, for the cache once the commit is durable. */
  readonly revisions: ReadonlyMap<string, number>;
}

/** Streams whose last revision is kept in memory; least recently written ones are forgotten first. */
const REVISION_CACHE_SIZE = 100_000;

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly EncodedEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

const PAGE = 1_000;

/**
 * The embedded event store: one SQLite file per service, WAL, synchronous=FULL.
 *
 * Group commit: appends made in the same turn of the event loop are written in one transaction, so concurrent
 * writers share one fsync. Each append keeps its own atomicity through a savepoint: one append's conflict does not
 * fail its neighbours. A promise resolves only after the commit is durable.
 */
export class SqliteEventStore implements EventStore, AnchorableLog, StreamSubscribable {
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Counts commits; subscribers wait for it to move. */
  private readonly signal: CommitSignal;
  private readonly pollIntervalMs: number;
  private appendsWritten = 0;
  /**
   * Last revision per stream, as committed. Valid while no other connection writes the file: PRAGMA data_version
   * tells, and a change clears it.
   */
  private readonly revisionCache = new Map<string, number>();
  private dataVersion = -1;
  /** The batch transaction; built once (better-sqlite3 wrappers are not free). */
  private readonly writeBatch: Database.Transaction<(batch: readonly PendingAppend[]) => BatchWritten>;

  private readonly statements: {
    readonly lastEvent: Database.Statement<[], { position: number; hash: string }>;
    readonly streamRevision: Database.Statement<[string], { revision: number | null }>;
    readonly findById: Database.Statement<[string], EventRow>;
    readonly insert: Database.Statement<unknown[]>;
    readonly readStream: Database.Statement<[string], EventRow>;
    readonly readStreamAfter: Database.Statement<[string, number, number], EventRow>;
    readonly readAll: Database.Statement<[number, number], EventRow>;
    readonly iterateAll: Database.Statement<[], EventRow>;
  };

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    return new SqliteEventStore(options);
  }

  private constructor(options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.signal = new CommitSignal(this.pollIntervalMs);
    this.db = new Database(options.path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 10000");
    this.db.exec(SCHEMA_SQL);
    this.statements = {
      lastEvent: this.db.prepare("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"),
      streamRevision: this.db.prepare("SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?"),
      findById: this.db.prepare("SELECT * FROM events WHERE id = ?"),
      insert: this.db.prepare(
        `INSERT INTO events (position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at,
           prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      readStream: this.db.prepare("SELECT * FROM events WHERE stream_id = ? ORDER BY revision"),
      readStreamAfter: this.db.prepare("SELECT * FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision LIMIT ?"),
      readAll: this.db.prepare("SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?"),
      iterateAll: this.db.prepare("SELECT * FROM events ORDER BY position"),
    };
    this.writeBatch = this.db.transaction((batch: readonly PendingAppend[]) => {
      const version = this.db.pragma("data_version", { simple: true }) as number;
      if (version !== this.dataVersion) {
        this.revisionCache.clear();
        this.dataVersion = version;
      }
      const last = this.statements.lastEvent.get();
      const tail: LogTail = {
        position: BigInt(last?.position ?? 0),
        hash: last?.hash ?? GENESIS_HASH,
        recordedAt: this.clock().toISOString(),
        revisions: new Map(),
      };
      const outcomes = batch.map((request): Outcome => {
        let result: AppendResult;
        try {
          result = this.check(request, tail);
        } catch (error) {
          return { ok: false, error };
        }
        // Past the checks, an insert can only fail for a reason that fails the whole batch (I/O, a bug): the
        // error leaves the transaction, which rolls back every append of the batch and rejects them all.
        return { ok: true, result: result.duplicate ? result : this.insert(request, tail, result.nextExpectedRevision) };
      });
      return { outcomes, revisions: tail.revisions };
    });
  }

  append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    let encoded: EncodedEvent[];
    try {
      if (this.closed) throw new StoreClosedError();
      encoded = validateAppend(streamId, events, expectedRevision);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events: encoded, expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  readStream(streamId: string): Promise<readonly StoredEvent[]> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return Promise.resolve(this.statements.readStream.all(streamId).map(rowToEvent));
  }

  readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const after = Number(options.after ?? START);
    return Promise.resolve(this.statements.readAll.all(after, options.limit ?? PAGE).map(rowToEvent));
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    let after = options.after ?? START;
    const signal = options.signal;
    while (!this.ended(signal)) {
      // Read the commit counter before the page, so a commit that lands after the read still wakes us.
      const seen = this.signal.commits;
      const page = this.statements.readAll.all(Number(after), PAGE).map(rowToEvent);
      for (const event of page) {
        yield event;
        after = event.position;
        if (this.ended(signal)) return;
      }
      if (page.length < PAGE) await this.signal.next(seen, this.closed, signal);
    }
  }

  /**
   * One stream from a revision, then live (issue 15): the catch-up reads the stream by its (stream_id, revision)
   * index, and only commits to this stream wake it, so its cost does not grow with the log or the other streams.
   * Commits by another process are found by polling, as for subscribe().
   */
  subscribeStream(streamId: string, options: StreamSubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    const read = (after: number, limit: number): StoredEvent[] =>
      this.statements.readStreamAfter.all(streamId, after, limit).map(rowToEvent);
    const following = { signal: this.signal, read, closed: () => this.closed, pollIntervalMs: () => this.pollIntervalMs };
    return followStream(following, streamId, options);
  }

  /** Commits made and appends written since open: appends / commits is the group-commit factor (for metrics). */
  stats(): { readonly commits: number; readonly appends: number; readonly streamWakeups: number } {
    return { commits: this.signal.commits, appends: this.appendsWritten, streamWakeups: this.signal.streamWakeups };
  }

  /**
   * Walks the whole log; with `anchors`, also against signed checkpoints (CHECKPOINT_MISMATCH, LOG_TRUNCATED,
   * CHECKPOINT_INVALID: see verifyRows).
   */
  verify(anchors?: AnchorOptions): Promise<VerifyResult> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    if (anchors === undefined) return Promise.resolve(verifyRows(this.statements.iterateAll.iterate()));
    const checked = checkAnchors(anchors);
    if (!checked.ok) return Promise.resolve(checked.result);
    return Promise.resolve(verifyRows(this.statements.iterateAll.iterate(), checked.anchors));
  }

  /** The committed head of the log, for signed checkpoints (START and GENESIS_HASH when empty). */
  head(): Promise<LogHead> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const last = this.statements.lastEvent.get();
    return Promise.resolve({ position: BigInt(last?.position ?? 0), hash: last?.hash ?? GENESIS_HASH });
  }

  /** Writes what is pending, ends subscriptions, closes the file. Appends already accepted are not lost. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.flush();
    this.closed = true;
    this.signal.wake();
    this.db.close();
    return Promise.resolve();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let written: BatchWritten;
    try {
      written = this.writeBatch.immediate(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      this.revisionCache.clear();
      for (const request of batch) request.reject(error);
      return;
    }
    this.signal.commits++;
    this.appendsWritten += batch.length;
    for (const [streamId, revision] of written.revisions) this.remember(streamId, revision);
    batch.forEach((request, index) => {
      const outcome = written.outcomes[index];
      if (outcome?.ok === true) request.resolve(outcome.result);
      else request.reject(outcome?.error);
    });
    this.signal.wakeCommitted(written.revisions.keys());
  }

  /**
   * Everything that can refuse an append, before it writes anything: a repeat of stored ids (returned as the stored
   * result), an id clash, a revision conflict. Returns a repeat, or the stream's current revision to insert after.
   */
  private check(request: PendingAppend, tail: LogTail): AppendResult {
    const { streamId, events, expectedRevision } = request;
    const repeat = this.findRepeat(streamId, events);
    if (repeat !== undefined) return repeat;
    const current = this.lastRevision(streamId, tail);
    const matches =
      expectedRevision === "any" ||
      (expectedRevision === "no_stream" ? current === -1 : expectedRevision === current);
    if (!matches) throw new WrongExpectedRevisionError(streamId, expectedRevision, current);
    return { events: [], nextExpectedRevision: current, duplicate: false };
  }

  /** Inserts a checked append after revision `current`, chaining each event to the tail, and advances the tail. */
  private insert(request: PendingAppend, tail: LogTail, current: number): AppendResult {
    const { streamId, events } = request;
    const recordedAt = tail.recordedAt;
    let position = tail.position;
    let prevHash = tail.hash;
    const stored: StoredEvent[] = [];
    events.forEach((event, index) => {
      position += 1n;
      const revision = current + 1 + index;
      const hash = hashEvent({
        position,
        streamId,
        revision,
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        dataJson: event.dataJson,
        metadataJson: event.metadataJson,
        recordedAt,
        prevHash,
      });
      this.statements.insert.run(
        position,
        streamId,
        revision,
        event.id,
        event.type,
        event.schemaVersion,
        event.dataJson,
        event.metadataJson,
        recordedAt,
        prevHash,
        hash,
      );
      // The writer's objects, not a re-parse of the JSON just written: equal as JSON, and parsing is a third of the
      // per-event cost of an append.
      const { id, type, schemaVersion, data, metadata } = event;
      stored.push({ id, type, schemaVersion, data, metadata, streamId, revision, position, recordedAt, prevHash, hash });
      prevHash = hash;
    });
    tail.position = position;
    tail.hash = prevHash;
    tail.revisions.set(streamId, current + events.length);
    return { events: stored, nextExpectedRevision: current + events.length, duplicate: false };
  }

  /** The stream's last revision (-1: none) as this batch sees it: its own appends, the cache, or the table. */
  private lastRevision(streamId: string, tail: LogTail): number {
    const written = tail.revisions.get(streamId) ?? this.revisionCache.get(streamId);
    if (written !== undefined) return written;
    const stored = this.statements.streamRevision.get(streamId)?.revision ?? -1;
    this.remember(streamId, stored);
    return stored;
  }

  private remember(streamId: string, revision: number): void {
    this.revisionCache.delete(streamId);
    this.revisionCache.set(streamId, revision);
    if (this.revisionCache.size > REVISION_CACHE_SIZE) {
      const oldest = this.revisionCache.keys().next();
      if (oldest.done !== true) this.revisionCache.delete(oldest.value);
    }
  }

  /**
   * An append whose event ids are all stored in this stream already is a repeat (a retry after a lost reply): it
   * returns what was stored. Some ids stored, or stored in another stream, is an error, never a partial write.
   */
  private findRepeat(streamId: string, events: readonly EncodedEvent[]): AppendResult | undefined {
    const found: EventRow[] = [];
    for (const event of events) {
      const row = this.statements.findById.get(event.id);
      if (row !== undefined && row.stream_id !== streamId) throw new DuplicateEventIdError(streamId, event.id);
      if (row !== undefined) found.push(row);
    }
    if (found.length === 0) return undefined;
    if (found.length < events.length) {
      throw new DuplicateEventIdError(streamId, found[0]?.id ?? "");
    }
    const current = this.statements.streamRevision.get(streamId)?.revision ?? -1;
    return { events: found.map(rowToEvent), nextExpectedRevision: current, duplicate: true };
  }

  /** A method, not an inline test: the flag changes while the generator is suspended at a yield. */
  private ended(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

}
