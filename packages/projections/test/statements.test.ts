import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { describe, expect, it, onTestFinished, vi } from "vitest";

import { openSqliteReadModels, reusingStatements } from "../src/database.js";

// Issue 15: a read-model query's SQL is prepared once, not on every run, with the same results.
interface Tables {
  item: { id: string; n: number };
}

function database(maxStatements?: number) {
  const raw = new Database(":memory:");
  raw.exec("CREATE TABLE item (id text PRIMARY KEY, n integer NOT NULL)");
  const prepare = vi.spyOn(raw, "prepare");
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: reusingStatements(raw, maxStatements) }) });
  onTestFinished(() => db.destroy());
  return { db, prepared: () => prepare.mock.calls.length };
}

describe("reusingStatements", () => {
  it("prepares each SQL text once and answers every run with its own parameters", async () => {
    const { db, prepared } = database();
    for (const [id, n] of [["a", 1], ["b", 2], ["c", 3]] as const) await db.insertInto("item").values({ id, n }).execute();
    const byId = (id: string) => db.selectFrom("item").select("n").where("id", "=", id).executeTakeFirst();
    expect(await byId("a")).toEqual({ n: 1 });
    expect(await byId("c")).toEqual({ n: 3 });
    expect(await byId("zz")).toBeUndefined();
    expect(prepared()).toBe(2); // one insert, one select
  });

  it("streams a select with a kept statement, and runs it again afterwards", async () => {
    const { db } = database();
    await db.insertInto("item").values([{ id: "a", n: 1 }, { id: "b", n: 2 }]).execute();
    const query = db.selectFrom("item").select("id").orderBy("id");
    const streamed: string[] = [];
    for await (const row of query.stream()) streamed.push(row.id);
    expect(streamed).toEqual(["a", "b"]);
    expect(await query.execute()).toEqual([{ id: "a" }, { id: "b" }]);
  });

  it("keeps at most maxStatements texts, the least recently used out first", async () => {
    const { db, prepared } = database(2);
    const limit = (n: number) => db.selectFrom("item").select("id").limit(n).offset(0).compile();
    // Texts differ by a literal only when inlined; these three differ by their shape.
    const a = () => db.selectFrom("item").select("id").execute();
    const b = () => db.selectFrom("item").select("n").execute();
    const c = () => db.selectFrom("item").select(["id", "n"]).execute();
    expect(limit(1).sql).toBe(limit(2).sql); // parameters are bound, not part of the text
    await a();
    await b();
    await a(); // a is the most recent
    await c(); // b goes
    expect(prepared()).toBe(3);
    await a();
    await c();
    expect(prepared()).toBe(3);
    await b();
    expect(prepared()).toBe(4);
  });
});

describe("openSqliteReadModels: LIMIT and OFFSET in the SQL text", () => {
  it("writes an integer page size into the statement (a bound LIMIT makes SQLite prepare it again on every run), with the same rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ihp-read-models-"));
    const db = openSqliteReadModels<Tables>(join(dir, "read-models.sqlite"));
    onTestFinished(async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });
    await db.schema.createTable("item").addColumn("id", "text", (c) => c.primaryKey()).addColumn("n", "integer", (c) => c.notNull()).execute();
    await db.insertInto("item").values([{ id: "a", n: 1 }, { id: "b", n: 2 }, { id: "c", n: 3 }, { id: "d", n: 4 }]).execute();
    const page = (after: number, size: number, skip = 0) => db.selectFrom("item").select("id").where("n", ">", after).orderBy("n").limit(size).offset(skip);
    const compiled = page(1, 2, 1).compile();
    expect(compiled.sql).toMatch(/ limit 2 offset 1$/);
    expect(compiled.parameters).toEqual([1]);
    expect(await page(1, 2).execute()).toEqual([{ id: "b" }, { id: "c" }]);
    expect(await page(0, 3, 1).execute()).toEqual([{ id: "b" }, { id: "c" }, { id: "d" }]);
  });
});
