import { DefaultQueryCompiler, type Kysely } from "kysely";
import { describe, expect, it, vi } from "vitest";

import { compiledOnce } from "../src/compiledOnce.js";
import { Projector, type Projection } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { type Dialect, dialects } from "./support/databases.js";
import { MemoryLog } from "./support/memoryLog.js";
import type { StreamSummaryTables } from "./support/streamSummaryProjection.js";

// Issue 15: the hottest queries are built and compiled once per database, and run with each call's values.
interface Tables {
  item: { id: string; n: number; kind: string };
}
type Db = Kysely<Tables>;

/** A fresh database of the dialect with three items. */
async function open(dialect: Dialect): Promise<Db> {
  const db = (await dialect.open()) as unknown as Db;
  await db.schema
    .createTable("item")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("n", "integer", (column) => column.notNull())
    .addColumn("kind", "text", (column) => column.notNull())
    .execute();
  await db
    .insertInto("item")
    .values([
      { id: "a", n: 1, kind: "Opened" },
      { id: "b", n: 2, kind: "Closed" },
      { id: "c", n: 3, kind: "Opened" },
    ])
    .execute();
  return db;
}

const itemsOfKind = compiledOnce((db: Db, p: { type: string; atLeast: number }) =>
  db
    .selectFrom("item")
    .select(["id", "n"])
    .where("kind", "=", p.type)
    .where("n", ">=", p.atLeast)
    .orderBy("id")
    .limit(10),
);

const builderItemsOfKind = (db: Db, type: string, atLeast: number) =>
  db
    .selectFrom("item")
    .select(["id", "n"])
    .where("kind", "=", type)
    .where("n", ">=", atLeast)
    .orderBy("id")
    .limit(10)
    .execute();

describe.each(dialects)("compiledOnce on $name", (dialect) => {
  it("answers each run with its own parameters, as the builder does", async () => {
    const db = await open(dialect);
    for (const [type, atLeast] of [["Opened", 0], ["Opened", 2], ["Closed", 0], ["Closed", 3], ["None", 0]] as const) {
      const { rows } = await itemsOfKind.execute(db, { type, atLeast });
      expect(rows).toEqual(await builderItemsOfKind(db, type, atLeast));
    }
    expect((await itemsOfKind.execute(db, { type: "Opened", atLeast: 2 })).rows).toEqual([{ id: "c", n: 3 }]);
  });

  it("builds and compiles once, and runs in a transaction of the same database", async () => {
    const db = await open(dialect);
    const build = vi.fn((db: Db, p: { id: string; n: number }) =>
      db.updateTable("item").set({ n: p.n, kind: "Renamed" }).where("id", "=", p.id),
    );
    const bump = compiledOnce(build);
    const compile = vi.spyOn(DefaultQueryCompiler.prototype, "compileQuery");
    try {
      const first = await bump.execute(db, { id: "a", n: 10 });
      expect(first.numAffectedRows).toBe(1n);
      await db.transaction().execute(async (trx) => {
        await bump.execute(trx, { id: "b", n: 20 });
        await bump.execute(trx, { id: "zz", n: 30 });
      });
      expect(build).toHaveBeenCalledTimes(1);
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
    const rows = await db.selectFrom("item").select(["id", "n", "kind"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "a", n: 10, kind: "Renamed" },
      { id: "b", n: 20, kind: "Renamed" },
      { id: "c", n: 3, kind: "Opened" },
    ]);
  });

  it("binds a placeholder used twice, and keeps the values fixed at build time", async () => {
    const db = await open(dialect);
    const upsert = compiledOnce((db: Db, p: { id: string; n: number }) =>
      db
        .insertInto("item")
        .values({ id: p.id, n: p.n, kind: "Upserted" })
        .onConflict((conflict) => conflict.column("id").doUpdateSet({ n: p.n })),
    );
    await upsert.execute(db, { id: "a", n: 7 });
    await upsert.execute(db, { id: "d", n: 8 });
    const rows = await db.selectFrom("item").select(["id", "n", "kind"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "a", n: 7, kind: "Opened" },
      { id: "b", n: 2, kind: "Closed" },
      { id: "c", n: 3, kind: "Opened" },
      { id: "d", n: 8, kind: "Upserted" },
    ]);
  });
});

describe("compiledOnce", () => {
  it("compiles once per database kind: a SQLite and a PostgreSQL database each get their own SQL", async () => {
    const [sqlite, postgres] = await Promise.all(dialects.map(open));
    const query = compiledOnce((db: Db, p: { id: string }) => db.selectFrom("item").select("n").where("id", "=", p.id));
    expect((await query.execute(sqlite!, { id: "b" })).rows).toEqual([{ n: 2 }]);
    expect((await query.execute(postgres!, { id: "c" })).rows).toEqual([{ n: 3 }]);
    expect((await query.execute(sqlite!, { id: "a" })).rows).toEqual([{ n: 1 }]);
  });

  it("refuses a placeholder that does not reach the SQL as a bound parameter", async () => {
    const sqlite = await open(dialects[0]!);
    const query = compiledOnce((db: Db, p: { id: string; all: boolean }) =>
      p.all ? db.selectFrom("item").select("n") : db.selectFrom("item").select("n").where("id", "=", p.id),
    );
    await expect(query.execute(sqlite, { id: "a", all: false })).rejects.toThrow(/parameter all is not a bound parameter/);
  });

  it("refuses an undefined value rather than binding it", async () => {
    const sqlite = await open(dialects[0]!);
    const query = compiledOnce((db: Db, p: { id: string }) => db.selectFrom("item").select("n").where("id", "=", p.id));
    await expect(query.execute(sqlite, { id: undefined as unknown as string })).rejects.toThrow(/parameter id is undefined/);
  });
});

describe.each(dialects)("a projector's checkpoint queries on $name", (dialect) => {
  it("are compiled once, whatever the number of batches, and keep the checkpoint", async () => {
    const db = await dialect.open();
    const events = sampleConsultLog(40, 3);
    // Writes nothing itself: every compile counted below is the projector's own.
    const projection: Projection<StreamSummaryTables> = {
      name: "counting",
      version: 1,
      setup: () => Promise.resolve(),
      reset: () => Promise.resolve(),
      apply: () => Promise.resolve(),
    };
    const projector = new Projector({ db, projection, source: new MemoryLog() });
    await projector.prepare();
    await projector.handleBatch(events.slice(0, 10));
    expect(await projector.checkpoint()).toBe(events[9]!.position);
    const compile = vi.spyOn(DefaultQueryCompiler.prototype, "compileQuery");
    try {
      for (let i = 10; i < 40; i += 10) {
        const result = await projector.handleBatch(events.slice(i, i + 10));
        expect(result.checkpoint).toBe(events[i + 9]!.position);
        expect(await projector.checkpoint()).toBe(events[i + 9]!.position);
      }
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
    // A second projector on the same database sees the first's progress through its claim.
    const other = new Projector({ db, projection, source: new MemoryLog() });
    expect(await other.handleBatch(events.slice(30, 40))).toEqual({ checkpoint: events[39]!.position, applied: 0, ignored: 0, duplicates: 10 });
  });
});
