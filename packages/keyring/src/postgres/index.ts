import pg from "pg";
import type { WrappedKey } from "../custody.js";
import type { DataKeyRef, DataKeyStore, StoredDataKey } from "../store.js";

export interface PostgresDataKeyStoreOptions {
  readonly connectionString: string;
  /** One schema per service context, e.g. "consult_keys". */
  readonly schema: string;
}

/**
 * Wrapped data keys in PostgreSQL, for the distributed mode: every replica of a service must seal and open with the
 * same data keys, which a file in each pod's DATA_DIR cannot give. Same semantics as the SQLite store (first writer
 * wins, tombstones on destroy). A destroyed key's row keeps no key bytes; the old row version stays in the table's
 * pages until VACUUM (and in WAL archives and backups): run VACUUM after erasures where that matters.
 * `existed` says whether the table was there before this open (KEY_STORE_MISSING check).
 */
export async function openPostgresDataKeyStore(options: PostgresDataKeyStoreOptions): Promise<DataKeyStore & { readonly existed: boolean }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  const table = `${options.schema}.keyring_data_keys`;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
  pool.on("error", () => undefined);
  let existed: boolean;
  try {
    const found = await pool.query<{ found: string | null }>("SELECT to_regclass($1) AS found", [table]);
    existed = found.rows[0]?.found !== null && found.rows[0]?.found !== undefined;
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
      subject TEXT NOT NULL,
      retention_class TEXT NOT NULL,
      master_key_id TEXT,
      wrapped BYTEA,
      destroyed BOOLEAN NOT NULL DEFAULT FALSE,
      PRIMARY KEY (subject, retention_class))`);
  } catch (error) {
    await pool.end();
    throw error;
  }

  interface Row {
    subject: string;
    retention_class: string;
    master_key_id: string | null;
    wrapped: Buffer | null;
    destroyed: boolean;
  }
  const toWrapped = (masterKeyId: string, bytes: Buffer): WrappedKey => ({ masterKeyId, bytes: new Uint8Array(bytes) });
  const toStored = (row: Row): StoredDataKey =>
    row.destroyed || row.wrapped === null || row.master_key_id === null ? { state: "destroyed" } : { state: "live", wrapped: toWrapped(row.master_key_id, row.wrapped) };
  async function get(ref: DataKeyRef): Promise<StoredDataKey | undefined> {
    const { rows } = await pool.query<Row>(`SELECT * FROM ${table} WHERE subject = $1 AND retention_class = $2`, [ref.subject, ref.retentionClass]);
    return rows[0] === undefined ? undefined : toStored(rows[0]);
  }

  return {
    existed,
    get,
    async createIfAbsent(ref, wrapped) {
      await pool.query(
        `INSERT INTO ${table} (subject, retention_class, master_key_id, wrapped) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [ref.subject, ref.retentionClass, wrapped.masterKeyId, Buffer.from(wrapped.bytes)],
      );
      const stored = await get(ref);
      if (stored === undefined) throw new Error("data key row vanished after insert");
      return stored;
    },
    async replaceWrapped(ref, from, wrapped) {
      const result = await pool.query(
        `UPDATE ${table} SET master_key_id = $1, wrapped = $2 WHERE subject = $3 AND retention_class = $4 AND NOT destroyed AND master_key_id = $5`,
        [wrapped.masterKeyId, Buffer.from(wrapped.bytes), ref.subject, ref.retentionClass, from],
      );
      return result.rowCount === 1;
    },
    async destroy(ref) {
      await pool.query(
        `INSERT INTO ${table} (subject, retention_class, master_key_id, wrapped, destroyed) VALUES ($1, $2, NULL, NULL, TRUE)
         ON CONFLICT (subject, retention_class) DO UPDATE SET master_key_id = NULL, wrapped = NULL, destroyed = TRUE`,
        [ref.subject, ref.retentionClass],
      );
    },
    async wrappedByOtherThan(masterKeyId, limit) {
      const { rows } = await pool.query<Row>(`SELECT * FROM ${table} WHERE NOT destroyed AND master_key_id <> $1 LIMIT $2`, [masterKeyId, limit]);
      return rows.map((row) => ({ ref: { subject: row.subject, retentionClass: row.retention_class }, wrapped: toWrapped(row.master_key_id ?? "", row.wrapped ?? Buffer.alloc(0)) }));
    },
    close: () => pool.end(),
  };
}
