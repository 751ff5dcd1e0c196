import { openSqliteFile, threadSqliteWriter } from "@ihp/eventsourcing/sqlite";
import type { WrappedKey } from "../custody.js";
import type { DataKeyRef, DataKeyStore, StoredDataKey } from "../store.js";

/**
 * Wrapped data keys in SQLite (one file per service, beside — not inside — its event log). `secure_delete` makes
 * SQLite overwrite a destroyed key's bytes instead of only unlinking the page, so crypto-erasure does not leave the
 * wrapped key in free pages of the file (copies in backups and old journal blocks on disk are outside its reach).
 *
 * WAL with synchronous=FULL: a new key is durable before the event sealed with it is written (one fsync of the log,
 * where the rollback journal needed several on the caller's thread — issue 15: a new record media key per consult).
 * A destroy then checkpoints and truncates the WAL, so its older frames do not keep the destroyed key either.
 *
 * Reads use this thread's connection; writes go to the process's writer thread (its own connection, also with
 * secure_delete), so their fsync never blocks the event loop (issue 15 item 4: a new key per consult). A file only:
 * the writer thread cannot see another connection's ":memory:" database (use memoryDataKeyStore).
 */
export function openSqliteDataKeyStore(path: string): DataKeyStore {
  if (path === ":memory:") throw new TypeError("openSqliteDataKeyStore needs a file; memoryDataKeyStore keeps keys in memory");
  const options = { synchronous: "FULL", busyTimeoutMs: 5_000 } as const;
  const db = openSqliteFile(path, options);
  db.pragma("secure_delete = ON");
  db.exec(`CREATE TABLE IF NOT EXISTS keyring_data_keys (
    subject TEXT NOT NULL,
    retention_class TEXT NOT NULL,
    master_key_id TEXT,
    wrapped BLOB,
    destroyed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, retention_class)
  ) WITHOUT ROWID`);
  interface Row {
    subject: string;
    retention_class: string;
    master_key_id: string | null;
    wrapped: Buffer | null;
    destroyed: number;
  }
  // The schema exists (created above) before the writer thread's connection opens the file.
  const writer = threadSqliteWriter(path, options, ["secure_delete = ON"]);
  const select = db.prepare<[string, string], Row>("SELECT * FROM keyring_data_keys WHERE subject = ? AND retention_class = ?");
  const INSERT = "INSERT OR IGNORE INTO keyring_data_keys (subject, retention_class, master_key_id, wrapped) VALUES (?, ?, ?, ?)";
  const REPLACE =
    "UPDATE keyring_data_keys SET master_key_id = ?, wrapped = ? WHERE subject = ? AND retention_class = ? AND destroyed = 0 AND master_key_id = ?";
  const DESTROY = `INSERT INTO keyring_data_keys (subject, retention_class, master_key_id, wrapped, destroyed) VALUES (?, ?, NULL, NULL, 1)
     ON CONFLICT (subject, retention_class) DO UPDATE SET master_key_id = NULL, wrapped = NULL, destroyed = 1`;
  const others = db.prepare<[string, number], Row>(
    "SELECT * FROM keyring_data_keys WHERE destroyed = 0 AND master_key_id <> ? LIMIT ?",
  );

  const toStored = (row: Row): StoredDataKey =>
    row.destroyed === 1 || row.wrapped === null || row.master_key_id === null
      ? { state: "destroyed" }
      : { state: "live", wrapped: toWrapped(row.master_key_id, row.wrapped) };
  const get = (ref: DataKeyRef): StoredDataKey | undefined => {
    const row = select.get(ref.subject, ref.retentionClass);
    return row === undefined ? undefined : toStored(row);
  };

  return {
    get: (ref) => Promise.resolve(get(ref)),
    async createIfAbsent(ref, wrapped) {
      await writer.run(INSERT, [ref.subject, ref.retentionClass, wrapped.masterKeyId, wrapped.bytes]);
      // Committed by the writer thread: this connection's next read sees it.
      const stored = get(ref);
      if (stored === undefined) throw new Error("data key row vanished after insert");
      return stored;
    },
    async replaceWrapped(ref, from, wrapped) {
      return (await writer.run(REPLACE, [wrapped.masterKeyId, wrapped.bytes, ref.subject, ref.retentionClass, from])) === 1;
    },
    async destroy(ref) {
      await writer.run(DESTROY, [ref.subject, ref.retentionClass]);
      await writer.run("PRAGMA wal_checkpoint(TRUNCATE)", []);
    },
    wrappedByOtherThan(masterKeyId, limit) {
      return Promise.resolve(
        others.all(masterKeyId, limit).map((row) => ({
          ref: { subject: row.subject, retentionClass: row.retention_class },
          wrapped: toWrapped(row.master_key_id ?? "", row.wrapped ?? Buffer.alloc(0)),
        })),
      );
    },
    async close() {
      await writer.close();
      db.close();
    },
  };
}

function toWrapped(masterKeyId: string, bytes: Buffer): WrappedKey {
  return { masterKeyId, bytes: new Uint8Array(bytes) };
}
