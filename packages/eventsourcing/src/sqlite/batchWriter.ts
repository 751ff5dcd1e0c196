import type Database from "better-sqlite3";
import { openSqliteFile } from "./openSqlite.js";

import { DuplicateEventIdError, WrongExpectedRevisionError } from "../errors.js";
import type { ExpectedRevision } from "../eventStore.js";
import { GENESIS_HASH, hashEvent } from "../hashChain.js";
import { SCHEMA_SQL, type EventRow } from "./schema.js";

/** One append as the writer needs it: the canonical JSON that is stored and hashed, nothing else. */
export interface WriteRequest {
  readonly streamId: string;
  readonly events: readonly { readonly id: string; readonly type: string; readonly schemaVersion: number; readonly dataJson: string; readonly metadataJson: string }[];
  readonly expectedRevision: ExpectedRevision;
}

/** Where each event of a written append landed (the caller still has the events themselves). */
export interface Placed {
  readonly position: bigint;
  readonly revision: number;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * The outcome of one append of a batch, as plain data (it crosses from the writer thread): written, a repeat of
 * stored ids (the stored rows), or refused.
 */
export type WriteOutcome = PartOutcome | Refusal;

/** What one stream's part of a unit did: written, or a repeat of stored ids (the stored rows). */
export type PartOutcome =
  | { readonly kind: "written"; readonly placed: readonly Placed[]; readonly recordedAt: string; readonly nextExpectedRevision: number }
  | { readonly kind: "repeat"; readonly rows: readonly EventRow[]; readonly nextExpectedRevision: number };

export type Refusal =
  | { readonly kind: "conflict"; readonly streamId: string; readonly expected: ExpectedRevision; readonly actual: number }
  | { readonly kind: "duplicate-id"; readonly streamId: string; readonly eventId: string };

/**
 * One atomic unit of a batch: an append (one part) or an appendMany (one part per stream). It is written whole or
 * refused whole; units of one batch share the commit, not their fate.
 */
export type WriteUnit = readonly WriteRequest[];

/** A unit's outcome: one outcome per part, in the unit's order, or the refusal that refused the whole unit. */
export type UnitOutcome = { readonly kind: "done"; readonly parts: readonly PartOutcome[] } | Refusal;

export interface BatchWritten {
  readonly outcomes: readonly UnitOutcome[];
  /** Streams appended to and their new last revision. */
  readonly revisions: ReadonlyMap<string, number>;
}

/** The end of the log as the batch transaction advances it: last position and hash, and the batch's recordedAt. */
interface LogTail {
  position: bigint;
  hash: string;
  readonly recordedAt: string;
  readonly revisions: Map<string, number>;
}

/** Streams whose last revision is kept in memory; least recently written ones are forgotten first. */
const REVISION_CACHE_SIZE = 100_000;

/** Opens the event file for writing: WAL, synchronous=FULL, the schema. */
export function openForWriting(path: string): Database.Database {
  const db = openSqliteFile(path, { synchronous: "FULL", busyTimeoutMs: 10_000 });
  db.exec(SCHEMA_SQL);
  return db;
}

/**
 * The one writer of an event file: a batch of appends in one transaction (one fsync), each append atomic on its
 * own — its conflict or id clash refuses it alone. Runs on the store's writer thread (or inline for ":memory:").
 */
export class BatchWriter {
  /** Last revision per stream, as committed; cleared when another connection wrote the file (data_version). */
  private readonly revisionCache = new Map<string, number>();
  private dataVersion = -1;
  private readonly statements;
  private readonly transaction: Database.Transaction<(batch: readonly WriteUnit[], recordedAt: string) => BatchWritten>;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      // Prepared once: db.pragma() prepares its statement again on every call (issue 15).
      dataVersion: db.prepare<[], number>("PRAGMA data_version").pluck(),
      lastEvent: db.prepare<[], { position: number; hash: string }>("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"),
      streamRevision: db.prepare<[string], { revision: number | null }>("SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?"),
      findById: db.prepare<[string], EventRow>("SELECT * FROM events WHERE id = ?"),
      insert: db.prepare<unknown[]>(
        `INSERT INTO events (position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at,
           prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.transaction = db.transaction((batch: readonly WriteUnit[], recordedAt: string) => this.writeAll(batch, recordedAt));
  }

  /**
   * Writes the batch, every event recorded at `recordedAt` (the store's clock), and commits: durable when this
   * returns. Throws, storing nothing of the batch, when the commit fails.
   */
  write(batch: readonly WriteUnit[], recordedAt: string): BatchWritten {
    try {
      const written = this.transaction.immediate(batch, recordedAt);
      for (const [streamId, revision] of written.revisions) this.remember(streamId, revision);
      return written;
    } catch (error) {
      this.revisionCache.clear();
      throw error;
    }
  }

  private writeAll(batch: readonly WriteUnit[], recordedAt: string): BatchWritten {
    const version = this.statements.dataVersion.get() ?? 0;
    if (version !== this.dataVersion) {
      this.revisionCache.clear();
      this.dataVersion = version;
    }
    const last = this.statements.lastEvent.get();
    const tail: LogTail = {
      position: BigInt(last?.position ?? 0),
      hash: last?.hash ?? GENESIS_HASH,
      recordedAt,
      revisions: new Map(),
    };
    // Past the checks, an insert can only fail for a reason that fails the whole batch (I/O, a bug): the error
    // leaves the transaction, which rolls back every append of the batch.
    const outcomes = batch.map((unit) => this.writeUnit(unit, tail));
    return { outcomes, revisions: tail.revisions };
  }

  /**
   * Checks every part of a unit before writing any: the first refusal refuses the unit; every part a repeat answers
   * them all; some repeats next to new parts is an id clash (a retry of an atomic unit is never half stored).
   * Otherwise the parts are inserted in order, as consecutive appends would be.
   */
  private writeUnit(unit: WriteUnit, tail: LogTail): UnitOutcome {
    const checks = unit.map((request) => this.check(request, tail));
    const repeats: PartOutcome[] = [];
    for (const check of checks) {
      if (check === undefined) continue;
      if (check.kind !== "repeat") return check;
      repeats.push(check);
    }
    if (repeats.length === unit.length) return { kind: "done", parts: repeats };
    if (repeats.length > 0) {
      const repeated = unit[checks.findIndex((check) => check !== undefined)];
      return { kind: "duplicate-id", streamId: repeated?.streamId ?? "", eventId: repeated?.events[0]?.id ?? "" };
    }
    return { kind: "done", parts: unit.map((request) => this.insert(request, tail)) };
  }

  /** Everything that can refuse or answer an append before it writes: a repeat, an id clash, a revision conflict. */
  private check(request: WriteRequest, tail: LogTail): Refusal | Extract<PartOutcome, { kind: "repeat" }> | undefined {
    const { streamId, events, expectedRevision } = request;
    const found: EventRow[] = [];
    for (const event of events) {
      const row = this.statements.findById.get(event.id);
      if (row !== undefined && row.stream_id !== streamId) return { kind: "duplicate-id", streamId, eventId: event.id };
      if (row !== undefined) found.push(row);
    }
    // All ids stored in this stream: a retry after a lost reply, answered with what was stored. Some: never a partial write.
    if (found.length > 0 && found.length < events.length) return { kind: "duplicate-id", streamId, eventId: found[0]?.id ?? "" };
    if (found.length > 0) {
      return { kind: "repeat", rows: found, nextExpectedRevision: this.statements.streamRevision.get(streamId)?.revision ?? -1 };
    }
    const current = this.lastRevision(streamId, tail);
    const matches = expectedRevision === "any" || (expectedRevision === "no_stream" ? current === -1 : expectedRevision === current);
    return matches ? undefined : { kind: "conflict", streamId, expected: expectedRevision, actual: current };
  }

  /** Inserts a checked append after the stream's last revision, chaining each event to the tail. */
  private insert(request: WriteRequest, tail: LogTail): PartOutcome {
    const { streamId, events } = request;
    const current = this.lastRevision(streamId, tail);
    const placed: Placed[] = [];
    events.forEach((event, index) => {
      const position = tail.position + 1n;
      const revision = current + 1 + index;
      const prevHash = tail.hash;
      const { id, type, schemaVersion, dataJson, metadataJson } = event;
      const recordedAt = tail.recordedAt;
      const hash = hashEvent({ position, streamId, revision, id, type, schemaVersion, dataJson, metadataJson, recordedAt, prevHash });
      this.statements.insert.run(position, streamId, revision, id, type, schemaVersion, dataJson, metadataJson, recordedAt, prevHash, hash);
      placed.push({ position, revision, prevHash, hash });
      tail.position = position;
      tail.hash = hash;
    });
    tail.revisions.set(streamId, current + events.length);
    return { kind: "written", placed, recordedAt: tail.recordedAt, nextExpectedRevision: current + events.length };
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
}

/** A refused outcome as the error the port promises. */
export function refusalError(outcome: UnitOutcome): Error | undefined {
  if (outcome.kind === "conflict") return new WrongExpectedRevisionError(outcome.streamId, outcome.expected, outcome.actual);
  if (outcome.kind === "duplicate-id") return new DuplicateEventIdError(outcome.streamId, outcome.eventId);
  return undefined;
}
