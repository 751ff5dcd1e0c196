import type pg from "pg";

import { DuplicateEventIdError, WrongExpectedRevisionError } from "../errors.js";
import type { AppendResult } from "../eventStore.js";
import { GENESIS_HASH, hashEvent } from "../hashChain.js";
import type { StoredEvent } from "../types.js";
import type { EncodedStreamAppend } from "../validateAppend.js";
import { rowToEvent } from "../storedRows.js";
import { COMMIT_CHANNEL, commitPayload } from "./commitListener.js";
import type { PgEventRow } from "./schema.js";
import { streamsOf } from "./logReads.js";

/** The log a batch is written to. */
export interface BatchLog {
  readonly pool: pg.Pool;
  /** The events table, schema-qualified and quoted. */
  readonly table: string;
  /** Its schema, as the commit notification names it. */
  readonly schema: string;
  /** The batch's recordedAt. */
  readonly clock: () => Date;
}

/** What one unit of a batch (an append, or an appendMany's parts) came to: its results, or its refusal. */
export type UnitOutcome = { readonly ok: true; readonly results: readonly AppendResult[] } | { readonly ok: false; readonly error: unknown };

/** The end of the log as the batch transaction advances it: last position and hash, and the batch's recordedAt. */
interface LogTail {
  position: bigint;
  hash: string;
  readonly recordedAt: string;
}

const COLUMNS = 11;

/**
 * Writes a batch of units (the group commit) in one transaction: the log's advisory lock, the tail, then each unit
 * under its own savepoint, so one unit's refusal does not fail its neighbours; pg_notify tells the other replicas at
 * COMMIT. Resolves to one outcome per unit, in order, once committed. Rejects when the transaction failed as a whole
 * (no connection, connection lost, commit failed): then nothing of the batch is acknowledged.
 */
export async function writeBatch(log: BatchLog, units: readonly (readonly EncodedStreamAppend[])[]): Promise<UnitOutcome[]> {
  const client = await log.pool.connect();
  const outcomes: UnitOutcome[] = [];
  try {
    await client.query("BEGIN");
    // Keyed by the table's name: every writer of this log takes the same lock, other logs in the database do not.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [log.table]);
    const last = await client.query<{ position: string; hash: string }>(
      `SELECT position, hash FROM ${log.table} ORDER BY position DESC LIMIT 1`,
    );
    const tail: LogTail = {
      position: BigInt(last.rows[0]?.position ?? 0),
      hash: last.rows[0]?.hash ?? GENESIS_HASH,
      recordedAt: log.clock().toISOString(),
    };
    for (const parts of units) {
      await client.query("SAVEPOINT append");
      const before = { ...tail };
      try {
        outcomes.push({ ok: true, results: await appendUnit(client, log.table, parts, tail) });
        await client.query("RELEASE SAVEPOINT append");
      } catch (error) {
        await client.query("ROLLBACK TO SAVEPOINT append");
        tail.position = before.position;
        tail.hash = before.hash;
        outcomes.push({ ok: false, error });
      }
    }
    // Delivered to every LISTENing replica at COMMIT, never for a rolled-back batch.
    await client.query("SELECT pg_notify($1, $2)", [COMMIT_CHANNEL, commitPayload(log.schema, streamsOf(outcomes))]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release(true);
    throw error;
  }
  client.release();
  return outcomes;
}

/**
 * One unit (an append, or an appendMany's parts in order) inside its savepoint: the first refusal throws and the
 * caller rolls the savepoint and the tail back. Every part a repeat answers them all; repeats next to new parts
 * refuse the unit (a retry of an atomic unit is never half stored).
 */
async function appendUnit(
  client: pg.PoolClient,
  table: string,
  parts: readonly EncodedStreamAppend[],
  tail: LogTail,
): Promise<readonly AppendResult[]> {
  const results: AppendResult[] = [];
  for (const part of parts) results.push(await appendOne(client, table, part, tail));
  const repeated = results.findIndex((result) => result.duplicate);
  if (repeated >= 0 && results.some((result) => !result.duplicate)) {
    const part = parts[repeated];
    throw new DuplicateEventIdError(part?.streamId ?? "", part?.events[0]?.id ?? "");
  }
  return results;
}

/** Checks and writes one stream's part inside the batch transaction, advancing the tail only when it succeeds. */
async function appendOne(client: pg.PoolClient, table: string, request: EncodedStreamAppend, tail: LogTail): Promise<AppendResult> {
  const { streamId, events, expectedRevision } = request;
  const found = await client.query<PgEventRow>(`SELECT * FROM ${table} WHERE id = ANY($1) ORDER BY position`, [
    events.map((event) => event.id),
  ]);
  const revisionRow = await client.query<{ revision: number | null }>(
    `SELECT MAX(revision) AS revision FROM ${table} WHERE stream_id = $1`,
    [streamId],
  );
  const current = revisionRow.rows[0]?.revision ?? -1;
  if (found.rows.length > 0) {
    const foreign = found.rows.find((row) => row.stream_id !== streamId);
    if (foreign !== undefined) throw new DuplicateEventIdError(streamId, foreign.id);
    if (found.rows.length < events.length) throw new DuplicateEventIdError(streamId, found.rows[0]?.id ?? "");
    return { events: found.rows.map(rowToEvent), nextExpectedRevision: current, duplicate: true };
  }
  const matches =
    expectedRevision === "any" || (expectedRevision === "no_stream" ? current === -1 : expectedRevision === current);
  if (!matches) throw new WrongExpectedRevisionError(streamId, expectedRevision, current);

  let position = tail.position;
  let prevHash = tail.hash;
  const stored: StoredEvent[] = [];
  const values: unknown[] = [];
  events.forEach((event, index) => {
    position += 1n;
    const revision = current + 1 + index;
    const { recordedAt } = tail;
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
    values.push(position.toString(), streamId, revision, event.id, event.type, event.schemaVersion, event.dataJson,
      event.metadataJson, recordedAt, prevHash, hash);
    const { id, type, schemaVersion, data, metadata } = event;
    stored.push({ id, type, schemaVersion, data, metadata, streamId, revision, position, recordedAt, prevHash, hash });
    prevHash = hash;
  });
  const placeholders = events
    .map((_, row) => `(${Array.from({ length: COLUMNS }, (_unused, col) => `$${row * COLUMNS + col + 1}`).join(", ")})`)
    .join(", ");
  await client.query(
    `INSERT INTO ${table} (position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at,
       prev_hash, hash) VALUES ${placeholders}`,
    values,
  );
  tail.position = position;
  tail.hash = prevHash;
  return { events: stored, nextExpectedRevision: current + events.length, duplicate: false };
}
