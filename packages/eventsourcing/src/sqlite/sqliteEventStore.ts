import type Database from "better-sqlite3";

import { StoreClosedError } from "../errors.js";
import type {
  AnchorableLog,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
  VerifyResult,
} from "../eventStore.js";
import { type AnchorOptions, checkAnchors } from "../checkpoints/anchors.js";
import type { LogHead } from "../checkpoints/logCheckpoint.js";
import { deepFreeze } from "../deepFreeze.js";
import { GENESIS_HASH } from "../hashChain.js";
import { START, type EventMetadata, type JsonObject, type NewEvent, type StoredEvent } from "../types.js";
import { CommitSignal } from "../commitSignal.js";
import { RecentCommits } from "../recentCommits.js";
import { followStream, type StreamSubscribable, type StreamSubscribeOptions } from "../streamSubscription.js";
import { rowToEvent } from "../storedRows.js";
import { openForWriting, refusalError, type UnitOutcome } from "./batchWriter.js";
import type { EventRow } from "./schema.js";
import { requireReadLimit, validateAppend, validateAppendMany, type EncodedEvent, type EncodedStreamAppend } from "../validateAppend.js";
import { verifyRows } from "./verifyRows.js";
import { inlineWriter, threadWriter, type Writer } from "./writers.js";

const encodedOnly = ({ id, type, schemaVersion, dataJson, metadataJson }: EncodedEvent) => ({ id, type, schemaVersion, dataJson, metadataJson });

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
  /**
   * Commit on the caller's thread instead of the process's writer thread: the event loop then waits for every
   * fsync. For the benchmark's baseline; ":memory:" always writes inline.
   */
  readonly inlineWrites?: boolean;
}

/** An append (one part) or an appendMany (a part per stream), committed whole or refused whole. */
interface PendingAppend {
  readonly parts: readonly EncodedStreamAppend[];
  readonly resolve: (results: readonly AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

const PAGE = 1_000;

/**
 * The columns a read returns, as an array (better-sqlite3's raw mode): a row object with named members costs ≈1 µs more
 * per row to build, and a stream's reads leave out stream_id, which the caller gave (issue 15).
 */
const EVENT_COLUMNS = "position, revision, id, type, schema_version, data, metadata, recorded_at, prev_hash, hash";
type EventTuple = [position: number, revision: number, id: string, type: string, schemaVersion: number, data: string, metadata: string, recordedAt: string, prevHash: string, hash: string];
type LogTuple = [...EventTuple, streamId: string];

function tupleToEvent(row: EventTuple | LogTuple, streamId: string): StoredEvent {
  return {
    id: row[2],
    type: row[3],
    schemaVersion: row[4],
    data: JSON.parse(row[5]) as JsonObject,
    metadata: JSON.parse(row[6]) as EventMetadata,
    streamId,
    revision: row[1],
    position: BigInt(row[0]),
    recordedAt: row[7],
    prevHash: row[8],
    hash: row[9],
  };
}

/** A stream's rows as events. */
function streamEvents(rows: readonly EventTuple[], streamId: string): StoredEvent[] {
  const events = new Array<StoredEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) events[i] = tupleToEvent(rows[i]!, streamId);
  return events;
}

/** The log's rows (each names its stream) as events. */
function logEvents(rows: readonly LogTuple[]): StoredEvent[] {
  const events = new Array<StoredEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) events[i] = tupleToEvent(rows[i]!, rows[i]![10]);
  return events;
}

/**
 * The embedded event store: one SQLite file per service, WAL, synchronous=FULL.
 *
 * Group commit: appends made in the same turn of the event loop — and all made while the previous commit was on
 * disk — are written in one transaction, so concurrent writers share one fsync. Each append (and each appendMany,
 * across its streams) stays atomic on its own: one append's conflict does not fail its neighbours. A promise resolves only after the commit is durable.
 *
 * The event loop never waits on the disk (issue 15 item 4): a file's appends are committed by a writer thread with
 * its own connection (writers.ts); reads stay on this thread's connection, and WAL lets them run during a commit.
 */
export class SqliteEventStore implements EventStore, AnchorableLog, StreamSubscribable {
  private readonly db: Database.Database;
  private readonly writer: Writer;
  private readonly clock: () => Date;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  /** The batch being committed, if any: the next one waits for it, so commits keep their order. */
  private committing: Promise<void> | undefined;
  private closed = false;
  /** Counts commits; subscribers wait for it to move. */
  private readonly signal: CommitSignal;
  private readonly pollIntervalMs: number;
  private appendsWritten = 0;
  /** What this instance committed last, for subscribers woken by it. */
  private readonly recent = new RecentCommits(PAGE);

  private readonly statements: {
    readonly lastEvent: Database.Statement<[], { position: number; hash: string }>;
    /** A stream's events after a revision. */
    readonly readStream: Database.Statement<[string, number], EventTuple>;
    /** The same, at most LIMIT of them (a subscription's page). */
    readonly readStreamPage: Database.Statement<[string, number, number], EventTuple>;
    readonly readLast: Database.Statement<[string], EventTuple>;
    /** The log after a position, one PAGE. */
    readonly readPage: Database.Statement<[number], LogTuple>;
    readonly readAll: Database.Statement<[number, number], LogTuple>;
    readonly iterateAll: Database.Statement<[], EventRow>;
  };

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    return new SqliteEventStore(options);
  }

  private constructor(options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.signal = new CommitSignal(this.pollIntervalMs);
    this.db = openForWriting(options.path);
    this.writer = options.path === ":memory:" || options.inlineWrites === true ? inlineWriter(this.db) : threadWriter(options.path);
    this.statements = {
      lastEvent: this.db.prepare("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"),
      // A bound LIMIT makes SQLite prepare the statement again on every run (its planner reads the value), so the
      // hot reads have none or a literal one (issue 15).
      readStream: this.db.prepare<[string, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision`).raw(),
      readStreamPage: this.db.prepare<[string, number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision LIMIT ?`).raw(),
      readLast: this.db.prepare<[string], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`).raw(),
      readPage: this.db.prepare<[number], LogTuple>(`SELECT ${EVENT_COLUMNS}, stream_id FROM events WHERE position > ? ORDER BY position LIMIT ${PAGE}`).raw(),
      readAll: this.db.prepare<[number, number], LogTuple>(`SELECT ${EVENT_COLUMNS}, stream_id FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
      iterateAll: this.db.prepare("SELECT * FROM events ORDER BY position"),
    };
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
      this.enqueue({ parts: [{ streamId, events: encoded, expectedRevision }], resolve: (results) => resolve(results[0]!), reject });
    });
  }

  /** All or nothing in one transaction of the writer (inside a group commit, as one unit). */
  appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
    // The executor runs at once: a refusal rejects, and the order of calls stays the order of appends.
    return new Promise<readonly AppendResult[]>((resolve, reject) => {
      if (this.closed) throw new StoreClosedError();
      this.enqueue({ parts: validateAppendMany(batch), resolve, reject });
    });
  }

  private enqueue(append: PendingAppend): void {
    this.pending.push(append);
    if (!this.flushScheduled && this.committing === undefined) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    if (options.last === true) return Promise.resolve(streamEvents(this.statements.readLast.all(streamId), streamId));
    return Promise.resolve(streamEvents(this.statements.readStream.all(streamId, options.after ?? -1), streamId));
  }

  readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    let limit: number;
    try {
      limit = requireReadLimit(options.limit);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const after = Number(options.after ?? START);
    const rows = limit === PAGE ? this.statements.readPage.all(after) : this.statements.readAll.all(after, limit);
    return Promise.resolve(logEvents(rows));
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    let after = options.after ?? START;
    const signal = options.signal;
    while (!this.ended(signal)) {
      // Read the commit counter before the page, so a commit that lands after the read still wakes us.
      const seen = this.signal.commits;
      const page = this.recent.after(after, PAGE) ?? logEvents(this.statements.readPage.all(Number(after)));
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
    const read = (after: number, limit: number): StoredEvent[] => streamEvents(this.statements.readStreamPage.all(streamId, after, limit), streamId);
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
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.committing !== undefined || this.pending.length > 0) await (this.committing ?? this.flush());
    this.signal.wake();
    await this.writer.close();
    this.db.close();
  }

  /** Commits the pending appends as one batch, then the ones that arrived meanwhile, one batch at a time. */
  private flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.committing !== undefined) return this.committing;
    const batch = this.pending;
    if (batch.length === 0) return Promise.resolve();
    this.pending = [];
    const recordedAt = this.clock().toISOString();
    const requests = batch.map(({ parts }) => parts.map(({ streamId, events, expectedRevision }) => ({ streamId, events: events.map(encodedOnly), expectedRevision })));
    this.committing = this.writer.write(requests, recordedAt).then(
      (outcomes) => this.settle(batch, outcomes),
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      (error: unknown) => {
        for (const request of batch) request.reject(error);
      },
    ).finally(() => {
      this.committing = undefined;
      if (this.pending.length > 0 && !this.flushScheduled) void this.flush();
    });
    return this.committing;
  }

  private settle(batch: readonly PendingAppend[], outcomes: readonly UnitOutcome[]): void {
    this.signal.commits++;
    this.appendsWritten += batch.length;
    const written: string[] = [];
    const committed: StoredEvent[] = [];
    batch.forEach((request, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) return request.reject(new Error("the writer answered fewer appends than it was given"));
      if (outcome.kind !== "done") return request.reject(refusalError(outcome));
      const results = request.parts.map((part, at): AppendResult => {
        const done = outcome.parts[at]!;
        if (done.kind === "repeat") return { events: done.rows.map(rowToEvent), nextExpectedRevision: done.nextExpectedRevision, duplicate: true };
        written.push(part.streamId);
        // The writer's objects, not a re-parse of the JSON just written: equal as JSON, and parsing is a third of the
        // per-event cost of an append. Frozen in place: the same objects go to every subscriber (recent commits), so
        // neither the writer nor one reader may change what the others see.
        const events = part.events.map(({ id, type, schemaVersion, data, metadata }, i): StoredEvent => {
          const { position, revision, prevHash, hash } = done.placed[i]!;
          const event = { id, type, schemaVersion, data: deepFreeze(data), metadata: deepFreeze(metadata), streamId: part.streamId, revision, position, recordedAt: done.recordedAt, prevHash, hash };
          return Object.freeze(event);
        });
        committed.push(...events);
        return { events, nextExpectedRevision: done.nextExpectedRevision, duplicate: false };
      });
      request.resolve(results);
    });
    this.recent.add(committed.sort((a, b) => (a.position < b.position ? -1 : 1)));
    this.signal.wakeCommitted(written);
  }

  /** A method, not an inline test: the flag changes while the generator is suspended at a yield. */
  private ended(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

}
