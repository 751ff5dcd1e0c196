import { START, type LogPosition } from "@ihp/eventsourcing";
import pg from "pg";
import type { CheckpointStore } from "./checkpointStore.js";

export interface PostgresCheckpointStoreOptions {
  readonly connectionString: string;
  /**
   * Schema of the `relay_checkpoints` table: the service's read-model schema (READ_MODEL_SCHEMA). Like the read models,
   * the schema must exist. Default: the server's search_path.
   */
  readonly schema?: string;
  /** An idle pooled connection failed; the pool has dropped it and reconnects on the next query. Default: ignored. */
  readonly onIdleConnectionError?: (error: Error) => void;
}

/**
 * CheckpointStore on PostgreSQL, for the distributed mode: the replicas of a service share one DATA_DIR on a network
 * volume, where a SQLite file is not safe, so the relay's position lives in the read-model database instead. Same
 * contract as SqliteCheckpointStore: positions as decimal text (they may exceed 64 bits), the last save wins, a
 * committed save survives a restart.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly table: string,
  ) {}

  /** Opens a small pool and creates the table if it is missing. */
  static async open(options: PostgresCheckpointStoreOptions): Promise<PostgresCheckpointStore> {
    const table = options.schema === undefined ? "relay_checkpoints" : `${quoteIdentifier(options.schema)}.relay_checkpoints`;
    const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
    pool.on("error", (error) => options.onIdleConnectionError?.(error));
    try {
      await createTable(pool, table);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresCheckpointStore(pool, table);
  }

  async load(name: string): Promise<LogPosition> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE name = $1`, [name]);
    return rows[0] === undefined ? START : BigInt(rows[0].position);
  }

  async save(name: string, position: LogPosition): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
      [name, position.toString()],
    );
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * CREATE TABLE IF NOT EXISTS is not safe against itself: two replicas starting together can both miss the table and
 * one fails on a duplicate type name. A transaction-scoped advisory lock on the table's name makes them take turns.
 */
async function createTable(pool: pg.Pool, table: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [table]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, position TEXT NOT NULL)`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
