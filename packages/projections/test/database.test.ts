import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { sql } from "kysely";
import { describe, expect, it, onTestFinished } from "vitest";

import { openPostgresReadModels, openSqliteReadModels, Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { createTestSchema, DATABASE_URL, dropTestSchema } from "./support/databases.js";
import { MemoryLog } from "./support/memoryLog.js";
import { streamSummaryProjection, type StreamSummaryTables } from "./support/streamSummaryProjection.js";

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "ihp-projections-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

describe("openSqliteReadModels", () => {
  it("opens the file in WAL mode with synchronous=NORMAL and foreign keys enforced", async () => {
    const db = openSqliteReadModels<Record<string, never>>(join(temporaryDirectory(), "read-models.db"));
    onTestFinished(() => db.destroy());

    const pragma = async (name: string): Promise<unknown> =>
      Object.values((await sql.raw(`PRAGMA ${name}`).execute(db)).rows[0] ?? {})[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("synchronous")).toBe(1); // NORMAL: derived data, rows and checkpoint roll back together
    expect(await pragma("foreign_keys")).toBe(1);

    await sql`CREATE TABLE parent (id text PRIMARY KEY)`.execute(db);
    await sql`CREATE TABLE child (parent_id text NOT NULL REFERENCES parent (id))`.execute(db);
    await expect(sql`INSERT INTO child (parent_id) VALUES ('missing')`.execute(db)).rejects.toThrow(/FOREIGN KEY/);
  });

  it("keeps the read model and its checkpoint across a close and reopen", async () => {
    const path = join(temporaryDirectory(), "read-models.db");
    const events = sampleConsultLog(40, 41);
    const first = openSqliteReadModels<StreamSummaryTables>(path);
    await new Projector({ db: first, projection: streamSummaryProjection(), source: new MemoryLog(events) }).runOnce();
    await first.destroy();

    const reopened = openSqliteReadModels<StreamSummaryTables>(path);
    onTestFinished(() => reopened.destroy());
    const projector = new Projector({ db: reopened, projection: streamSummaryProjection(), source: new MemoryLog() });
    expect(await projector.checkpoint()).toBe(events.at(-1)!.position);
  });
});

describe("openPostgresReadModels", () => {
  it("creates and queries tables in the given schema, whatever its spelling", async () => {
    const schema = await createTestSchema('Projections "Test" ');
    onTestFinished(() => dropTestSchema(schema));
    const db = openPostgresReadModels<StreamSummaryTables>(DATABASE_URL, { schema, maxConnections: 2 });
    onTestFinished(() => db.destroy());

    await new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() }).prepare();

    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name
    `.execute(db);
    expect(rows.map((row) => row.table_name)).toEqual(["projection_checkpoints", "stream_summaries", "tenant_activity"]);
    const { rows: path } = await sql<{ search_path: string }>`SHOW search_path`.execute(db);
    expect(path[0]?.search_path).toBe(`"${schema.replaceAll('"', '""')}"`);
  });
});
