import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { DataKeyStore, WrappedKey } from "../src/index.js";
import { openPostgresDataKeyStore } from "../src/postgres/index.js";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";

// The data key store port, against SQLite (embedded mode) and PostgreSQL (replicas of a service share their keys).
// CI starts PostgreSQL: there an unreachable server fails the run; elsewhere the PostgreSQL half skips with a reason.
const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (process.env["CI"] === "true") throw error;
    console.warn(`PostgreSQL data key store tests skipped: ${DATABASE_URL} unreachable (${String(error)})`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const wrapped = (masterKeyId: string): WrappedKey => ({ masterKeyId, bytes: new Uint8Array(randomBytes(60)) });
const ref = { subject: "patient-1", retentionClass: "clinical" };

function contract(name: string, open: () => Promise<{ store: DataKeyStore; reopen: () => Promise<DataKeyStore>; cleanUp: () => Promise<void> }>) {
  describe(`data key store contract: ${name}`, () => {
    it("keeps the first writer's key, survives a reopen, and leaves a tombstone on destroy that a later create does not replace", async () => {
      const { store, reopen, cleanUp } = await open();
      try {
        expect(await store.get(ref)).toBeUndefined();
        const first = wrapped("master-v1");
        expect(await store.createIfAbsent(ref, first)).toEqual({ state: "live", wrapped: first });
        expect(await store.createIfAbsent(ref, wrapped("master-v1"))).toEqual({ state: "live", wrapped: first });
        await store.close();
        const again = await reopen();
        expect(await again.get(ref)).toEqual({ state: "live", wrapped: first });
        await again.destroy(ref);
        expect(await again.get(ref)).toEqual({ state: "destroyed" });
        expect(await again.createIfAbsent(ref, wrapped("master-v1"))).toEqual({ state: "destroyed" });
        await again.close();
      } finally {
        await cleanUp();
      }
    });

    it("re-wraps by compare-and-set and lists keys wrapped by an older master key", async () => {
      const { store, cleanUp } = await open();
      try {
        const old = wrapped("master-v1");
        await store.createIfAbsent(ref, old);
        await store.createIfAbsent({ subject: "patient-2", retentionClass: "clinical" }, wrapped("master-v2"));
        expect((await store.wrappedByOtherThan("master-v2", 10)).map((row) => row.ref)).toEqual([ref]);
        const next = wrapped("master-v2");
        expect(await store.replaceWrapped(ref, "master-v1", next)).toBe(true);
        expect(await store.replaceWrapped(ref, "master-v1", wrapped("master-v3"))).toBe(false);
        expect(await store.get(ref)).toEqual({ state: "live", wrapped: next });
        expect(await store.wrappedByOtherThan("master-v2", 10)).toEqual([]);
        await store.close();
      } finally {
        await cleanUp();
      }
    });
  });
}

contract("SQLite", async () => {
  const folder = await mkdtemp(join(tmpdir(), "ihp-data-keys-"));
  const path = join(folder, "keys.sqlite");
  return { store: openSqliteDataKeyStore(path), reopen: () => Promise.resolve(openSqliteDataKeyStore(path)), cleanUp: () => rm(folder, { recursive: true, force: true }) };
});

const available = await postgresReachable();
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());

describe.skipIf(!available)("PostgreSQL", () => {
  contract("PostgreSQL", async () => {
    const schema = `keys_test_${randomBytes(6).toString("hex")}`;
    const store = await openPostgresDataKeyStore({ connectionString: DATABASE_URL, schema });
    expect(store.existed).toBe(false);
    return {
      store,
      reopen: async () => {
        const again = await openPostgresDataKeyStore({ connectionString: DATABASE_URL, schema });
        expect(again.existed).toBe(true);
        return again;
      },
      cleanUp: async () => {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  });
});
