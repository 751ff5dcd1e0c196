import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { START } from "@ihp/eventsourcing";
import pg from "pg";
import { postgresReachable, TEST_DATABASE_URL } from "@ihp/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type CheckpointStore, PostgresCheckpointStore, SqliteCheckpointStore } from "../src/index.js";

// The relay's checkpoint store, against SQLite (embedded mode, a file in DATA_DIR) and PostgreSQL (READ_MODEL_URL: the
// replicas of a service share it). CI starts PostgreSQL: there an unreachable server fails the run; elsewhere the
// PostgreSQL half skips with a printed reason.

type Closable = CheckpointStore & { close(): Promise<void> };

interface Opened {
  readonly store: Closable;
  /** Another store over the same file or schema: what a restarted relay, or another replica, opens. */
  readonly reopen: () => Promise<Closable>;
  readonly cleanUp: () => Promise<void>;
}

function contract(name: string, open: () => Promise<Opened>): void {
  describe(`checkpoint store contract: ${name}`, () => {
    async function using(test: (opened: Opened) => Promise<void>): Promise<void> {
      const opened = await open();
      try {
        await test(opened);
      } finally {
        await opened.store.close().catch(() => undefined);
        await opened.cleanUp();
      }
    }

    it("loads START for a name never saved, and keeps each name's position apart", () =>
      using(async ({ store }) => {
        expect(await store.load("identity-relay")).toBe(START);
        await store.save("identity-relay", 42n);
        await store.save("consult-relay", 7n);
        expect(await store.load("identity-relay")).toBe(42n);
        expect(await store.load("consult-relay")).toBe(7n);
        expect(await store.load("other")).toBe(START);
      }));

    it("keeps positions beyond 64 bits exactly (KurrentDB positions)", () =>
      using(async ({ store }) => {
        const big = 2n ** 70n + 3n;
        await store.save("r", big);
        expect(await store.load("r")).toBe(big);
      }));

    it("the last save wins, a lower one too: moving forward is the relay's job (CheckpointSaver), not the store's", () =>
      using(async ({ store }) => {
        await store.save("r", 10n);
        await store.save("r", 20n);
        expect(await store.load("r")).toBe(20n);
        await store.save("r", 15n);
        expect(await store.load("r")).toBe(15n);
      }));

    it("a saved position survives closing the store, and a second store sees the first one's saves", () =>
      using(async ({ store, reopen }) => {
        await store.save("r", 99n);
        const other = await reopen();
        try {
          expect(await other.load("r")).toBe(99n);
          await other.save("r", 100n);
          expect(await store.load("r")).toBe(100n);
        } finally {
          await other.close();
        }
        await store.close();
        const restarted = await reopen();
        try {
          expect(await restarted.load("r")).toBe(100n);
        } finally {
          await restarted.close();
        }
      }));
  });
}

contract("SQLite", async () => {
  const folder = await mkdtemp(join(tmpdir(), "ihp-relay-checkpoints-"));
  const path = join(folder, "relay-checkpoints.sqlite");
  return {
    store: SqliteCheckpointStore.open({ path }),
    reopen: () => Promise.resolve(SqliteCheckpointStore.open({ path })),
    cleanUp: () => rm(folder, { recursive: true, force: true }),
  };
});

const available = await postgresReachable("PostgreSQL checkpoint store tests");
const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
afterAll(() => admin.end());

async function freshSchema(): Promise<string> {
  const schema = `relay_test_${randomBytes(6).toString("hex")}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  return schema;
}

describe.skipIf(!available)("PostgreSQL", () => {
  contract("PostgreSQL", async () => {
    const schema = await freshSchema();
    const open = (): Promise<PostgresCheckpointStore> => PostgresCheckpointStore.open({ connectionString: TEST_DATABASE_URL, schema });
    return { store: await open(), reopen: open, cleanUp: () => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });

  it("keeps the table in the given schema, and replicas opening at once all create it without failing", async () => {
    const schema = await freshSchema();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresCheckpointStore.open({ connectionString: TEST_DATABASE_URL, schema })));
      try {
        await stores[0]?.save("r", 5n);
        expect(await stores[3]?.load("r")).toBe(5n);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
      const { rows } = await admin.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [schema]);
      expect(rows.map((row) => row.table_name)).toEqual(["relay_checkpoints"]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it("does not start when its schema is missing (like the read models, the schema is made beforehand)", async () => {
    const schema = `relay_missing_${randomBytes(6).toString("hex")}`;
    await expect(PostgresCheckpointStore.open({ connectionString: TEST_DATABASE_URL, schema })).rejects.toThrow(/schema/);
  });
});
