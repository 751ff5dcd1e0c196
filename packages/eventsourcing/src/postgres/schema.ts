/**
 * The PostgreSQL event log, in one schema. Append-only is enforced by the database, not by the adapter:
 * - the application connects as a role granted only SELECT and INSERT (grantAppendOnly), so UPDATE, DELETE and
 *   TRUNCATE fail on privileges;
 * - row triggers refuse UPDATE and DELETE, and a statement-level trigger refuses TRUNCATE (row triggers never fire on
 *   TRUNCATE), so even the owner is stopped unless it disables the triggers on purpose; verify() finds what it then
 *   changes.
 * data and metadata are stored as TEXT (the canonical JSON that was hashed), not jsonb, which would re-encode them.
 */
export function schemaSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.events (
  position       BIGINT  PRIMARY KEY,
  stream_id      TEXT    NOT NULL,
  revision       INTEGER NOT NULL,
  id             TEXT    NOT NULL UNIQUE,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  prev_hash      TEXT    NOT NULL,
  hash           TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE OR REPLACE FUNCTION ${s}.events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'events are append-only (%)', TG_OP; END $$;
DROP TRIGGER IF EXISTS events_no_update_delete ON ${s}.events;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON ${s}.events
  FOR EACH ROW EXECUTE FUNCTION ${s}.events_are_append_only();
DROP TRIGGER IF EXISTS events_no_truncate ON ${s}.events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.events_are_append_only();
`;
}

/** Grants the application role what an append-only writer needs, and nothing else. */
export function grantAppendOnlySql(schema: string, role: string): string {
  const s = quoteIdent(schema);
  const r = quoteIdent(role);
  return `
GRANT USAGE ON SCHEMA ${s} TO ${r};
REVOKE ALL ON ${s}.events FROM ${r};
GRANT SELECT, INSERT ON ${s}.events TO ${r};
`;
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

/** A row of `events` as node-postgres returns it (BIGINT comes back as a string). */
export interface PgEventRow {
  readonly position: string;
  readonly stream_id: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: string;
  readonly prev_hash: string;
  readonly hash: string;
}
