import { START, type LogPosition } from "@ihp/eventsourcing";
import type { Kysely } from "kysely";

import { compiledOnce } from "./compiledOnce.js";

export const CHECKPOINT_TABLE = "projection_checkpoints";

/** Kysely view of the checkpoint table, which lives in the read-model database next to the projections' tables. */
export interface CheckpointTables {
  projection_checkpoints: {
    name: string;
    /** Decimal text: log positions are bigints that may not fit in 64 bits (KurrentDB). */
    position: string;
    version: number;
  };
}

export interface StoredCheckpoint {
  readonly position: LogPosition;
  readonly version: number;
}

export async function createCheckpointTable(db: Kysely<CheckpointTables>): Promise<void> {
  await db.schema
    .createTable(CHECKPOINT_TABLE)
    .ifNotExists()
    .addColumn("name", "text", (column) => column.primaryKey())
    .addColumn("position", "text", (column) => column.notNull())
    .addColumn("version", "integer", (column) => column.notNull())
    .execute();
}

const selectCheckpoint = compiledOnce((db: Kysely<CheckpointTables>, p: { name: string }) =>
  db.selectFrom(CHECKPOINT_TABLE).select(["position", "version"]).where("name", "=", p.name),
);

export async function readCheckpoint(db: Kysely<CheckpointTables>, name: string): Promise<StoredCheckpoint | undefined> {
  return storedCheckpoint((await selectCheckpoint.execute(db, { name })).rows[0]);
}

/** A no-op update that returns the row it locked. */
const lockCheckpoint = compiledOnce((db: Kysely<CheckpointTables>, p: { name: string }) =>
  db
    .updateTable(CHECKPOINT_TABLE)
    .set((eb) => ({ version: eb.ref("version") }))
    .where("name", "=", p.name)
    .returning(["position", "version"]),
);

/**
 * Reads the checkpoint after taking the write lock on its row (a no-op update returning it), so that two projectors
 * sharing the database serialize on it: PostgreSQL blocks the second on the row lock and the update returns the row as
 * the first committed it; SQLite takes the database write lock at once instead of failing to upgrade a read lock
 * later. Portable, unlike SELECT … FOR UPDATE, which SQLite does not have.
 */
export async function claimCheckpoint(db: Kysely<CheckpointTables>, name: string): Promise<StoredCheckpoint | undefined> {
  return storedCheckpoint((await lockCheckpoint.execute(db, { name })).rows[0]);
}

const moveCheckpointFrom = compiledOnce(
  (db: Kysely<CheckpointTables>, p: { name: string; from: string; to: string; version: number }) =>
    db
      .updateTable(CHECKPOINT_TABLE)
      .set({ position: p.to })
      .where("name", "=", p.name)
      .where("position", "=", p.from)
      .where("version", "=", p.version),
);

/**
 * Claims and saves in one statement (issue 15: a batch's claim and save were two of its few statements): when the row
 * holds `from`, takes its lock as claimCheckpoint does and moves it to `to`; otherwise changes nothing and returns
 * false. PostgreSQL waits for another holder of the row lock, then checks the row as that one committed it (READ
 * COMMITTED re-evaluates the WHERE), so a concurrent batch that moved the checkpoint makes this return false. Positions
 * are compared as text: encodePosition is canonical (no leading zeros), so equal text is equal position.
 */
export async function moveCheckpoint(
  db: Kysely<CheckpointTables>,
  name: string,
  from: StoredCheckpoint,
  to: LogPosition,
): Promise<boolean> {
  const params = { name, from: encodePosition(from.position), to: encodePosition(to), version: from.version };
  const { numAffectedRows } = await moveCheckpointFrom.execute(db, params);
  return numAffectedRows === 1n;
}

const upsertCheckpoint = compiledOnce(
  (db: Kysely<CheckpointTables>, p: { name: string; position: string; version: number }) =>
    db
      .insertInto(CHECKPOINT_TABLE)
      .values({ name: p.name, position: p.position, version: p.version })
      .onConflict((conflict) => conflict.column("name").doUpdateSet({ position: p.position, version: p.version })),
);

export async function saveCheckpoint(
  db: Kysely<CheckpointTables>,
  name: string,
  checkpoint: StoredCheckpoint,
): Promise<void> {
  await upsertCheckpoint.execute(db, { name, position: encodePosition(checkpoint.position), version: checkpoint.version });
}

function storedCheckpoint(row: { position: string; version: number } | undefined): StoredCheckpoint | undefined {
  return row === undefined ? undefined : { position: decodePosition(row.position), version: row.version };
}

export function encodePosition(position: LogPosition): string {
  if (position < START) throw new RangeError(`log position must not be negative: ${position}`);
  return position.toString(10);
}

export function decodePosition(text: string): LogPosition {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw new RangeError(`stored checkpoint is not a log position: ${JSON.stringify(text)}`);
  return BigInt(text);
}
