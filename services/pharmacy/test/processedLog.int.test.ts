// The prescription consumer's processed log on both read-model databases: what it answers, whatever its queries'
// preparation (issue 15: built and compiled once per database).
import { randomUUID } from "node:crypto";
import { openPostgresReadModels, openSqliteReadModels } from "@ihp/projections";
import { type Kysely, sql } from "kysely";
import { describe, expect, it, onTestFinished } from "vitest";
import { readModelProcessedLog } from "../src/adapters/bus/processedLog.js";
import type { PharmacyReadModels } from "../src/application/prescriptionsProjection.js";

/** CI starts PostgreSQL; a run that cannot reach it fails rather than skipping the dialect. */
const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

type Db = Kysely<PharmacyReadModels>;

const databases: readonly { readonly name: string; open(): Promise<Db> }[] = [
  {
    name: "sqlite",
    open() {
      const db = openSqliteReadModels<PharmacyReadModels>(":memory:");
      onTestFinished(() => db.destroy());
      return Promise.resolve(db);
    },
  },
  {
    name: "postgres",
    async open() {
      const schema = `pharmacy_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const admin = openPostgresReadModels<PharmacyReadModels>(DATABASE_URL, { maxConnections: 1 });
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin);
      const db = openPostgresReadModels<PharmacyReadModels>(DATABASE_URL, { schema, maxConnections: 2 });
      onTestFinished(async () => {
        await db.destroy();
        await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(admin);
        await admin.destroy();
      });
      return db;
    },
  },
];

describe.each(databases)("readModelProcessedLog on $name", (database) => {
  it("knows each consumer's recorded ids only, records an id once however often, and keeps when", async () => {
    const db = await database.open();
    const log = readModelProcessedLog(db, () => new Date("2026-01-02T03:04:05.000Z"));
    expect(await log.has("pharmacy-prescriptions", "m-1")).toBe(false);
    await log.record("pharmacy-prescriptions", "m-1");
    await log.record("pharmacy-prescriptions", "m-1");
    await log.record("pharmacy-prescriptions", "m-2");
    expect(await log.has("pharmacy-prescriptions", "m-1")).toBe(true);
    expect(await log.has("pharmacy-prescriptions", "m-2")).toBe(true);
    expect(await log.has("pharmacy-prescriptions", "m-3")).toBe(false);
    expect(await log.has("other-consumer", "m-1")).toBe(false);
    // A second log on the same database (the consumer after a restart) knows what the first recorded.
    expect(await readModelProcessedLog(db, () => new Date()).has("pharmacy-prescriptions", "m-2")).toBe(true);
    const rows = await db.selectFrom("pharmacy_processed_messages").selectAll().orderBy("message_id").execute();
    expect(rows).toEqual([
      { consumer: "pharmacy-prescriptions", message_id: "m-1", processed_at: "2026-01-02T03:04:05.000Z" },
      { consumer: "pharmacy-prescriptions", message_id: "m-2", processed_at: "2026-01-02T03:04:05.000Z" },
    ]);
  });
});
