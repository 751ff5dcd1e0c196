import { START, type LogPosition } from "@ihp/eventsourcing";
import type { Kysely } from "kysely";

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

export async function readCheckpoint(db: Kysely<CheckpointTables>, name: string): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom(CHECKPOINT_TABLE)
    .select(["position", "version"])
    .where("name", "=", name)
    .executeTakeFirst();
  return row === undefined ? undefined : { position: decodePosition(row.position), version: row.version };
}

/**
 * Reads the checkpoint after taking the write lock on its row (a no-op update), so that two projectors sharing the
 * database serialize on it: PostgreSQL blocks the second on the row lock and its next statement sees the first's
 * commit; SQLite takes the database write lock at once instead of failing to upgrade a read lock later. Portable,
 * unlike SELECT … FOR UPDATE, which SQLite does not have.
 */
export async function claimCheckpoint(db: Kysely<CheckpointTables>, name: string): Promise<StoredCheckpoint | undefined> {
  await db
    .updateTable(CHECKPOINT_TABLE)
    .set((eb) => ({ version: eb.ref("version") }))
    .where("name", "=", name)
    .execute();
  return readCheckpoint(db, name);
}

export async function saveCheckpoint(
  db: Kysely<CheckpointTables>,
  name: string,
  checkpoint: StoredCheckpoint,
): Promise<void> {
  const row = { name, position: encodePosition(checkpoint.position), version: checkpoint.version };
  await db
    .insertInto(CHECKPOINT_TABLE)
    .values(row)
    .onConflict((conflict) => conflict.column("name").doUpdateSet({ position: row.position, version: row.version }))
    .execute();
}

export function encodePosition(position: LogPosition): string {
  if (position < START) throw new RangeError(`log position must not be negative: ${position}`);
  return position.toString(10);
}

export function decodePosition(text: string): LogPosition {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw new RangeError(`stored checkpoint is not a log position: ${JSON.stringify(text)}`);
  return BigInt(text);
}
