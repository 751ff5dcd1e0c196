import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { uuidv7, type NewEvent } from "@ihp/eventsourcing";
import { PostgresEventStore } from "@ihp/eventsourcing/postgres";
import { eventStoreContract } from "@ihp/testing";

import { DATABASE_URL, freshLog as createLog, postgresReachable, type TestLog } from "./support/postgresLog.js";

const available = await postgresReachable();
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());
const freshLog = (): Promise<TestLog> => createLog(admin);

describe.skipIf(!available)("PostgreSQL event store", () => {
  eventStoreContract("PostgreSQL (application role: SELECT, INSERT only)", async () => {
    const log = await freshLog();
    const store = await PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await log.drop();
      },
    };
  });

  it("XC-01: the application role cannot UPDATE, DELETE or TRUNCATE events; the owner's TRUNCATE is stopped by the statement trigger", async () => {
    const log = await freshLog();
    const store = await PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema });
    const app = new pg.Client({ connectionString: log.appUrl });
    await app.connect();
    try {
      await store.append("s-1", [event()], "no_stream");
      const table = `"${log.schema}".events`;
      await expect(app.query(`UPDATE ${table} SET type = 'x'`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`DELETE FROM ${table}`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`TRUNCATE ${table}`)).rejects.toThrow(/permission denied/);
      // The owner passes the privilege check; the triggers still refuse.
      await expect(admin.query(`UPDATE ${table} SET type = 'x'`)).rejects.toThrow(/append-only/);
      await expect(admin.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
      await expect(admin.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only \(TRUNCATE\)/);
      expect(await store.readAll({ limit: 10 })).toHaveLength(1);
      expect(await store.verify()).toMatchObject({ ok: true, checked: 1 });
    } finally {
      await app.end();
      await store.close();
      await log.drop();
    }
  });

  it("XC-01: concurrent appenders on separate pools lose no update and leave no gap a subscriber could skip", async () => {
    const log = await freshLog();
    const open = (): Promise<PostgresEventStore> =>
      PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema, pollIntervalMs: 20 });
    const writers = await Promise.all([open(), open(), open()]);
    const reader = await open();
    const controller = new AbortController();
    const total = 3 * 60;
    const seen: bigint[] = [];
    const subscription = (async () => {
      for await (const stored of reader.subscribe({ signal: controller.signal })) {
        seen.push(stored.position);
        if (seen.length === total) controller.abort();
      }
    })();
    try {
      // Every writer contends for the same counter stream with expected revisions: a conflict retries on re-read.
      const contended = async (store: PostgresEventStore, count: number): Promise<void> => {
        for (let done = 0; done < count; ) {
          const current = (await store.readStream("counter")).length - 1;
          try {
            await store.append("counter", [event()], current < 0 ? "no_stream" : current);
            done++;
          } catch (error) {
            if ((error as Error).name !== "WrongExpectedRevisionError") throw error;
          }
        }
      };
      await Promise.all(
        writers.map(async (store, w) => {
          await Promise.all([
            contended(store, 20),
            ...Array.from({ length: 4 }, async (_, k) => {
              for (let i = 0; i < 10; i++) await store.append(`own-${w}-${k}`, [event()], i === 0 ? "no_stream" : i - 1);
            }),
          ]);
        }),
      );
      await subscription;
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
      const counter = await reader.readStream("counter");
      expect(counter.map((e) => e.revision)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(await reader.verify()).toMatchObject({ ok: true, checked: total });
    } finally {
      controller.abort();
      await Promise.all([...writers, reader].map((store) => store.close()));
      await log.drop();
    }
  }, 30_000);
});

function event(): NewEvent {
  return {
    id: uuidv7(),
    type: "Counted",
    schemaVersion: 1,
    data: { n: 1 },
    metadata: {
      actorId: "a",
      actorRole: "SYSTEM",
      tenantId: "t",
      correlationId: "c",
      causationId: "c",
      occurredAt: "2026-01-01T00:00:00.000Z",
    },
  };
}
