import type Database from "better-sqlite3";
import { openSqliteFile } from "@ihp/eventsourcing/sqlite";
import type { ProcessedLog } from "./idempotentHandler.js";
import { promised } from "./promised.js";

export interface SqliteProcessedLogOptions {
  /** File path, or ":memory:". */
  readonly path: string;
  /** Time source for processed_at. */
  readonly clock?: () => Date;
}

/**
 * ProcessedLog on SQLite (WAL, synchronous=FULL: a recorded id survives power loss). Grows with every message; rows
 * carry processed_at so that ids older than the bus's redelivery horizon can be pruned.
 */
export class SqliteProcessedLog implements ProcessedLog {
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly hasStatement: Database.Statement<[string, string], { found: number }>;
  private readonly recordStatement: Database.Statement<[string, string, string]>;

  static open(options: SqliteProcessedLogOptions): SqliteProcessedLog {
    return new SqliteProcessedLog(options);
  }

  private constructor(options: SqliteProcessedLogOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.db = openSqliteFile(options.path, { synchronous: "FULL", busyTimeoutMs: 10_000 });
    this.db.exec(`CREATE TABLE IF NOT EXISTS processed_messages (
      consumer TEXT NOT NULL,
      message_id TEXT NOT NULL,
      processed_at TEXT NOT NULL,
      PRIMARY KEY (consumer, message_id)
    ) WITHOUT ROWID`);
    this.hasStatement = this.db.prepare(
      "SELECT 1 AS found FROM processed_messages WHERE consumer = ? AND message_id = ?",
    );
    this.recordStatement = this.db.prepare(
      "INSERT OR IGNORE INTO processed_messages (consumer, message_id, processed_at) VALUES (?, ?, ?)",
    );
  }

  has(consumer: string, messageId: string): Promise<boolean> {
    return promised(() => this.hasStatement.get(consumer, messageId) !== undefined);
  }

  record(consumer: string, messageId: string): Promise<void> {
    return promised(() => {
      this.recordStatement.run(consumer, messageId, this.clock().toISOString());
    });
  }

  close(): Promise<void> {
    return promised(() => {
      this.db.close();
    });
  }
}
