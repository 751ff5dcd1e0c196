import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";

import { appendCheckpoint, type AnchorOptions, CheckpointSigner, hashEvent, readCheckpoints } from "@ihp/eventsourcing";
import { PostgresEventStore } from "@ihp/eventsourcing/postgres";
import { newEvent } from "@ihp/testing";

import { DATABASE_URL, freshLog, postgresReachable, type TestLog } from "./support/postgresLog.js";

const available = await postgresReachable();
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());

/**
 * An owner (or a DBA) can still change the table by switching the triggers off: the chain and signed checkpoints must
 * find it, exactly as on SQLite.
 */
describe.skipIf(!available)("XC-01 tamper evidence of the PostgreSQL event store", () => {
  let log: TestLog;
  let store: PostgresEventStore;
  let table: string;

  beforeEach(async () => {
    log = await freshLog(admin);
    table = `"${log.schema}".events`;
    store = await PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema });
    for (let position = 1; position <= 30; position++) {
      await store.append(`consult-${position % 5}`, [newEvent("NoteWritten", { note: `MARK-${position}-X` })], "any");
    }
  });
  afterEach(async () => {
    await store.close();
    await log.drop();
  });

  async function asOwner(sql: string): Promise<void> {
    await admin.query(`ALTER TABLE ${table} DISABLE TRIGGER USER; ${sql}; ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }

  it("XC-01: an edited event's data is a HASH_MISMATCH at its position", async () => {
    expect(await store.verify()).toEqual({ ok: true, checked: 30, lastPosition: 30n });
    await asOwner(`UPDATE ${table} SET data = replace(data, 'MARK-17-X', 'MARK-17-Y') WHERE position = 17`);
    expect(await store.verify()).toEqual({ ok: false, checked: 16, position: 17n, reason: "HASH_MISMATCH" });
  });

  it("XC-01: a deleted event breaks the chain at the next position", async () => {
    await asOwner(`DELETE FROM ${table} WHERE position = 12`);
    expect(await store.verify()).toMatchObject({ ok: false, checked: 11, position: 13n, reason: "CHAIN_BROKEN" });
  });

  it("XC-01: an edit re-hashed forward passes the chain but not a signed checkpoint of the head (CHECKPOINT_MISMATCH)", async () => {
    const signer = CheckpointSigner.generate();
    const checkpoint = signer.sign("consult", await store.head(), new Date(Date.UTC(2026, 0, 1)));
    const anchors = { checkpoints: [checkpoint], trustedPublicKey: signer.publicKey, log: "consult" };
    expect(await store.verify(anchors)).toMatchObject({ ok: true, anchoredPosition: 30n });

    // The forger edits position 20 and recomputes every hash from there, so the chain is well formed again.
    const { rows } = await admin.query<PgRow>(`SELECT * FROM ${table} WHERE position >= 19 ORDER BY position`);
    await asOwner(rehashedFrom(table, rows, 20, (data) => data.replace("MARK-20-X", "MARK-20-Y")).join("; "));
    expect(await store.verify()).toMatchObject({ ok: true, checked: 30 });
    expect(await store.verify(anchors)).toMatchObject({ ok: false, position: 30n, reason: "CHECKPOINT_MISMATCH" });
  });

  it("XC-01: a log cut off below a signed checkpoint is LOG_TRUNCATED", async () => {
    const signer = CheckpointSigner.generate();
    const checkpoint = signer.sign("consult", await store.head(), new Date(Date.UTC(2026, 0, 1)));
    await asOwner(`DELETE FROM ${table} WHERE position > 25`);
    expect(await store.verify({ checkpoints: [checkpoint], trustedPublicKey: signer.publicKey })).toMatchObject({
      ok: false,
      checked: 25,
      position: 26n,
      reason: "LOG_TRUNCATED",
    });
  });
});

describe.skipIf(!available)("XC-01 signed checkpoints on the PostgreSQL event store, against a superuser", () => {
  let log: TestLog;
  let store: PostgresEventStore;
  let table: string;
  let dir: string;
  let checkpointFile: string;
  const signer = CheckpointSigner.generate();

  beforeEach(async () => {
    log = await freshLog(admin);
    table = `"${log.schema}".events`;
    dir = await mkdtemp(join(tmpdir(), "ihp-pg-anchored-"));
    checkpointFile = join(dir, "consult-checkpoints.jsonl");
    store = await PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema });
    for (let position = 1; position <= 30; position++) {
      await store.append(`consult-${position % 5}`, [newEvent("NoteWritten", { note: `MARK-${position}-X` })], "any");
      // One checkpoint every 10 events in the local copy, as the service host's LogCheckpointer keeps it.
      if (position % 10 === 0) await appendCheckpoint(checkpointFile, signer.sign("consult", await store.head(), new Date()));
    }
  });
  afterEach(async () => {
    await store.close();
    await log.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const anchors = async (): Promise<AnchorOptions> => ({
    checkpoints: await readCheckpoints(checkpointFile),
    trustedPublicKey: signer.publicKey,
    log: "consult",
  });
  /** A superuser needs no ALTER TABLE: session_replication_role = replica skips every ordinary trigger. */
  const asSuperuser = async (sql: string): Promise<void> => {
    await admin.query(`BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT`);
  };

  it("XC-01: the untouched log verifies against all three checkpoints", async () => {
    expect(await store.verify(await anchors())).toEqual({ ok: true, checked: 30, lastPosition: 30n, anchoredPosition: 30n });
  });

  it("XC-01: a tail deleted by a superuser past the triggers is LOG_TRUNCATED at the first missing position, though the chain alone still verifies", async () => {
    await asSuperuser(`DELETE FROM ${table} WHERE position > 24`);
    expect(await store.verify()).toMatchObject({ ok: true, checked: 24 });
    expect(await store.verify(await anchors())).toEqual({
      ok: false,
      checked: 24,
      position: 25n,
      reason: "LOG_TRUNCATED",
      anchoredPosition: 20n,
    });
  });

  it("XC-01: a log TRUNCATEd by a superuser past the statement trigger is LOG_TRUNCATED at position 1", async () => {
    await asSuperuser(`TRUNCATE ${table}`);
    expect(await store.verify()).toMatchObject({ ok: true, checked: 0 });
    expect(await store.verify(await anchors())).toMatchObject({ ok: false, checked: 0, position: 1n, reason: "LOG_TRUNCATED" });
  });

  it("XC-01: an edit re-hashed forward is a CHECKPOINT_MISMATCH at the first checkpoint after it (position 20), not at the head", async () => {
    const { rows } = await admin.query<PgRow>(`SELECT * FROM ${table} WHERE position >= 12 ORDER BY position`);
    await asSuperuser(rehashedFrom(table, rows, 13, (data) => data.replace("MARK-13-X", "MARK-13-Y")).join("; "));
    expect(await store.verify()).toMatchObject({ ok: true, checked: 30 });
    expect(await store.verify(await anchors())).toEqual({
      ok: false,
      checked: 19,
      position: 20n,
      reason: "CHECKPOINT_MISMATCH",
      anchoredPosition: 10n,
    });
  });
});

interface PgRow {
  position: string; stream_id: string; revision: number; id: string; type: string; schema_version: number;
  data: string; metadata: string; recorded_at: string; prev_hash: string;
}

/** The forger's UPDATEs: `edit` the data at `at`, then recompute every hash after it. rows start at `at - 1`. */
function rehashedFrom(table: string, rows: readonly PgRow[], at: number, edit: (data: string) => string): string[] {
  let prevHash = "";
  const updates: string[] = [];
  for (const row of rows) {
    const data = row.position === String(at) ? edit(row.data) : row.data;
    if (BigInt(row.position) < at) {
      prevHash = hashEvent({ ...fields(row), dataJson: data, prevHash: row.prev_hash });
      continue;
    }
    const hash = hashEvent({ ...fields(row), dataJson: data, prevHash });
    updates.push(`UPDATE ${table} SET data = '${data}', prev_hash = '${prevHash}', hash = '${hash}' WHERE position = ${row.position}`);
    prevHash = hash;
  }
  return updates;
}

function fields(row: { position: string; stream_id: string; revision: number; id: string; type: string; schema_version: number; metadata: string; recorded_at: string }) {
  return {
    position: BigInt(row.position),
    streamId: row.stream_id,
    revision: row.revision,
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    metadataJson: row.metadata,
    recordedAt: row.recorded_at,
  };
}
