import pg from "pg";

import { type AnchorOptions, checkAnchors } from "../checkpoints/anchors.js";
import type { LogHead } from "../checkpoints/logCheckpoint.js";
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
import { GENESIS_HASH } from "../hashChain.js";
import { verifyRows } from "../sqlite/verifyRows.js";
import { START, type NewEvent, type StoredEvent } from "../types.js";
import { requireReadLimit, validateAppend, validateAppendMany, type EncodedEvent, type EncodedStreamAppend } from "../validateAppend.js";
import { CommitSignal } from "../commitSignal.js";
import { followStream, type StreamSubscribable, type StreamSubscribeOptions } from "../streamSubscription.js";
import { rowToEvent } from "../storedRows.js";
import { CommitListener } from "./commitListener.js";
import { quoteIdent, schemaSql, type PgEventRow } from "./schema.js";
import { readLogSnapshot, streamsOf } from "./logReads.js";
import { writeBatch, type UnitOutcome } from "./writeBatch.js";

export interface PostgresEventStoreOptions {
  /** postgres://… of the application role (a non-owner with SELECT and INSERT only, in production). */
  readonly connectionString: string;
  /** Schema holding the events table. Default "event_store". */
  readonly schema?: string;
  /**
   * Create the schema, table and triggers when the table is missing (the connecting role then owns it: run it as the
   * owner, and give the service a role from grantAppendOnlySql). An existing table is left as it is. Default false.
   */
  readonly migrate?: boolean;
  readonly clock?: () => Date;
  /**
   * How often a caught-up subscription polls for events of other replicas while the LISTEN connection is down (or
   * `listen` is false). Default 200 ms.
   */
  readonly pollIntervalMs?: number;
  /** LISTEN for other replicas' commits (one extra connection per store). Default true. */
  readonly listen?: boolean;
  /** How often a caught-up subscription still polls while LISTEN works: a safety net only. Default 5 s. */
  readonly listeningPollIntervalMs?: number;
  readonly maxConnections?: number;
  /**
   * A pooled connection failed while idle (the server restarted or failed over, an administrator or an idle timeout
   * ended it). The pool has already discarded it and the next query opens a new one; without a listener pg would
   * throw the error out of the socket's handler and crash the process. Default: ignored.
   */
  readonly onIdleConnectionError?: (error: Error) => void;
}

/** An append (one part) or an appendMany (a part per stream), committed whole or refused whole. */
interface PendingAppend {
  readonly parts: readonly EncodedStreamAppend[];
  readonly resolve: (results: readonly AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

const PAGE = 1_000;

/**
 * The event store on PostgreSQL, for several service replicas sharing one log.
 *
 * Gap-safe positions: every append transaction first takes one transaction-level advisory lock
 * (pg_advisory_xact_lock), then reads the tail, assigns position = last + 1 and the hash chain, inserts and commits;
 * the lock is released only at commit or rollback. So positions are assigned and become visible strictly in order:
 * no transaction can commit position n+1 while n is still uncommitted, and a subscriber that has read up to n never
 * later finds a smaller position appear (which a SEQUENCE would allow: sequences are handed out at insert, not commit).
 * The cost is one writer at a time per log; group commit wins it back: appends made in one turn of the event loop
 * share one transaction (each under its own savepoint, so one conflict does not fail its neighbours).
 *
 * Live subscriptions across replicas: the append transaction runs pg_notify (delivered only at COMMIT) and each store
 * LISTENs on one connection (CommitListener), so a subscriber on any replica wakes as soon as any replica commits; it
 * then reads by position from where it stopped, so a notification only says "read again" and losing one loses no
 * event. While the LISTEN connection is down, subscribers poll every pollIntervalMs until it is back.
 */
export class PostgresEventStore implements EventStore, AnchorableLog, StreamSubscribable {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly clock: () => Date;
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** Counts commits; subscribers wait for it to move. */
  private readonly signal: CommitSignal;
  private appendsWritten = 0;
  private commitsMade = 0;
  private readonly schema: string;
  private readonly listener: CommitListener | undefined;
  private readonly pollIntervalMs: number;
  private readonly listeningPollIntervalMs: number;

  private constructor(options: PostgresEventStoreOptions) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
    this.pool.on("error", (error) => options.onIdleConnectionError?.(error));
    this.schema = options.schema ?? "event_store";
    this.table = `${quoteIdent(this.schema)}.events`;
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.listeningPollIntervalMs = options.listeningPollIntervalMs ?? 5_000;
    this.signal = new CommitSignal(this.pollIntervalMs);
    // Every notification counts as a commit, so a subscriber that read its page before it arrived reads again; one
    // that names its streams wakes only those streams' subscribers (and every whole-log one).
    this.listener = options.listen === false
      ? undefined
      : new CommitListener(options.connectionString, this.schema, (streams) => {
          if (streams === undefined) {
            this.signal.committed();
          } else {
            this.signal.commits++;
            this.signal.wakeCommitted(streams);
          }
        });
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    if (options.migrate === true) {
      try {
        const schema = options.schema ?? "event_store";
        const exists = await store.pool.query<{ table: string | null }>("SELECT to_regclass($1) AS table", [
          `${quoteIdent(schema)}.events`,
        ]);
        if (exists.rows[0]?.table === null) await store.pool.query(schemaSql(schema));
      } catch (error) {
        await store.pool.end();
        throw error;
      }
    }
    await store.listener?.start();
    return store;
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
      this.pending.push({ parts: [{ streamId, events: encoded, expectedRevision }], resolve: (results) => resolve(results[0]!), reject });
      this.scheduleFlush();
    });
  }

  /** All or nothing: the parts share one savepoint of the batch transaction. */
  appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
    // The executor runs at once: a refusal rejects, and the order of calls stays the order of appends.
    return new Promise<readonly AppendResult[]>((resolve, reject) => {
      if (this.closed) throw new StoreClosedError();
      this.pending.push({ parts: validateAppendMany(batch), resolve, reject });
      this.scheduleFlush();
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    if (this.closed) throw new StoreClosedError();
    const { rows } =
      options.last === true
        ? await this.pool.query<PgEventRow>(`SELECT * FROM ${this.table} WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1`, [streamId])
        : await this.pool.query<PgEventRow>(`SELECT * FROM ${this.table} WHERE stream_id = $1 AND revision > $2 ORDER BY revision`, [streamId, options.after ?? -1]);
    return rows.map(rowToEvent);
  }

  async readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    if (this.closed) throw new StoreClosedError();
    return (await this.page(options.after ?? START, requireReadLimit(options.limit))).map(rowToEvent);
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    let after = options.after ?? START;
    const signal = options.signal;
    while (!this.ended(signal)) {
      const seen = this.signal.commits;
      let rows: PgEventRow[];
      try {
        rows = await this.page(after, PAGE);
      } catch (error) {
        if (this.ended(signal)) return;
        throw error;
      }
      for (const row of rows) {
        const event = rowToEvent(row);
        yield event;
        after = event.position;
        if (this.ended(signal)) return;
      }
      if (rows.length < PAGE) await this.signal.next(seen, this.closed, signal, this.pollInterval());
    }
  }

  /**
   * One stream from a revision, then live (issue 15): reads by the (stream_id, revision) index; woken by this
   * instance's commits to the stream and by other replicas' notifications naming it (or naming no streams).
   */
  subscribeStream(streamId: string, options: StreamSubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    const read = async (after: number, limit: number): Promise<StoredEvent[]> => {
      const { rows } = await this.pool.query<PgEventRow>(
        `SELECT * FROM ${this.table} WHERE stream_id = $1 AND revision > $2 ORDER BY revision LIMIT $3`,
        [streamId, after, limit],
      );
      return rows.map(rowToEvent);
    };
    const following = { signal: this.signal, read, closed: () => this.closed, pollIntervalMs: () => this.pollInterval() };
    return followStream(following, streamId, options);
  }

  stats(): { readonly commits: number; readonly appends: number; readonly streamWakeups: number } {
    return { commits: this.commitsMade, appends: this.appendsWritten, streamWakeups: this.signal.streamWakeups };
  }

  /** Whether the LISTEN connection is up (subscribers then poll only every listeningPollIntervalMs). */
  get listening(): boolean {
    return this.listener?.listening === true;
  }

  private pollInterval(): number {
    return this.listening ? this.listeningPollIntervalMs : this.pollIntervalMs;
  }

  /** Walks the whole log in pages (memory grows with streams, not events); with anchors, against signed checkpoints. */
  async verify(anchors?: AnchorOptions): Promise<VerifyResult> {
    if (this.closed) throw new StoreClosedError();
    let checkedAnchors;
    if (anchors !== undefined) {
      const checked = checkAnchors(anchors);
      if (!checked.ok) return checked.result;
      checkedAnchors = checked.anchors;
    }
    return verifyRows(await readLogSnapshot(this.pool, this.table), checkedAnchors);
  }

  async head(): Promise<LogHead> {
    if (this.closed) throw new StoreClosedError();
    const { rows } = await this.pool.query<{ position: string; hash: string }>(
      `SELECT position, hash FROM ${this.table} ORDER BY position DESC LIMIT 1`,
    );
    const last = rows[0];
    return { position: BigInt(last?.position ?? 0), hash: last?.hash ?? GENESIS_HASH };
  }

  /** Writes what is pending, ends subscriptions, closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing !== undefined || this.pending.length > 0) {
      await (this.flushing ?? this.flush());
    }
    this.closed = true;
    this.signal.wake();
    await this.listener?.close();
    await this.pool.end();
  }

  private page(after: bigint, limit: number): Promise<PgEventRow[]> {
    return this.pool
      .query<PgEventRow>(`SELECT * FROM ${this.table} WHERE position > $1 ORDER BY position LIMIT $2`, [
        after.toString(),
        limit,
      ])
      .then((result) => result.rows);
  }

  /** One batch transaction at a time per instance; appends arriving meanwhile form the next batch. */
  private scheduleFlush(): void {
    if (this.flushing !== undefined) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.length > 0) this.scheduleFlush();
      });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: UnitOutcome[];
    try {
      const log = { pool: this.pool, table: this.table, schema: this.schema, clock: this.clock };
      outcomes = await writeBatch(log, batch.map((request) => request.parts));
    } catch (error) {
      // No connection, or the transaction failed as a whole (connection lost, commit failed): nothing is acknowledged.
      for (const request of batch) request.reject(error);
      return;
    }
    this.commitsMade++;
    this.signal.commits++;
    this.appendsWritten += batch.length;
    batch.forEach((request, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok === true) request.resolve(outcome.results);
      else request.reject(outcome?.error);
    });
    this.signal.wakeCommitted(streamsOf(outcomes));
  }

  private ended(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

}

