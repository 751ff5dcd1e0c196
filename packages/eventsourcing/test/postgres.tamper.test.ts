import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";

import { CheckpointSigner, hashEvent } from "@ihp/eventsourcing";
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
    const { rows } = await admin.query<{
      position: string; stream_id: string; revision: number; id: string; type: string; schema_version: number;
      data: string; metadata: string; recorded_at: string; prev_hash: string;
    }>(`SELECT * FROM ${table} WHERE position >= 19 ORDER BY position`);
    let prevHash = "";
    const updates: string[] = [];
    for (const row of rows) {
      const data = row.position === "20" ? row.data.replace("MARK-20-X", "MARK-20-Y") : row.data;
      if (row.position === "19") {
        prevHash = hashEvent({ ...fields(row), dataJson: data, prevHash: row.prev_hash });
        continue;
      }
      const hash = hashEvent({ ...fields(row), dataJson: data, prevHash });
      updates.push(`UPDATE ${table} SET data = '${data}', prev_hash = '${prevHash}', hash = '${hash}' WHERE position = ${row.position}`);
      prevHash = hash;
    }
    await asOwner(updates.join("; "));
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
