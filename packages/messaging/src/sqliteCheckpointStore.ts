import { START, type LogPosition } from "@ihp/eventsourcing";
import type Database from "better-sqlite3";
import { openSqliteFile } from "@ihp/eventsourcing/sqlite";
import type { CheckpointStore } from "./checkpointStore.js";
import { promised } from "./promised.js";

export interface SqliteCheckpointStoreOptions {
  /** File path, or ":memory:". */
  readonly path: string;
}

/**
 * CheckpointStore on SQLite. Positions are stored as decimal text: they may exceed 64 bits.
 * WAL with synchronous=NORMAL, not FULL: a checkpoint lost to a power cut only moves the relay back, and what it
 * publishes again the bus (Nats-Msg-Id) and the consumers (event ids) drop. An fsync per published event would cost
 * more than the publish itself. WAL never corrupts the file either way.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly loadStatement: Database.Statement<[string], { position: string }>;
  private readonly saveStatement: Database.Statement<[string, string]>;

  static open(options: SqliteCheckpointStoreOptions): SqliteCheckpointStore {
    return new SqliteCheckpointStore(options);
  }

  private constructor(options: SqliteCheckpointStoreOptions) {
    this.db = openSqliteFile(options.path, { synchronous: "NORMAL", busyTimeoutMs: 10_000 });
    this.db.exec("CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL) WITHOUT ROWID");
    this.loadStatement = this.db.prepare("SELECT position FROM checkpoints WHERE name = ?");
    this.saveStatement = this.db.prepare(
      "INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
    );
  }

  load(name: string): Promise<LogPosition> {
    return promised(() => {
      const row = this.loadStatement.get(name);
      return row === undefined ? START : BigInt(row.position);
    });
  }

  save(name: string, position: LogPosition): Promise<void> {
    return promised(() => {
      this.saveStatement.run(name, position.toString());
    });
  }

  close(): Promise<void> {
    return promised(() => {
      this.db.close();
    });
  }
}
