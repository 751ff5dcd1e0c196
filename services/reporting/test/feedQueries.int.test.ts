import { randomUUID } from "node:crypto";
import { type EventStore, type LogPosition, type ReadAllOptions, START, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { openPostgresReadModels, openSqliteReadModels } from "@ihp/projections";
import fc from "fast-check";
import type { Kysely } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FeedIndexReadModels } from "../src/adapters/feedIndexProjection.js";
import { FeedIndex } from "../src/application/feedIndex.js";
import { type FeedFilter, type FeedPage, feedRecordOf, listFeed, streamFeed } from "../src/application/feedQueries.js";
import { recordFeedEntry } from "../src/application/recordFeedEntry.js";
import type { RegisteredInstitutionFact } from "../src/domain/feed/facts.js";

// REP-04 / issue 15: the feed is read through its index (positions by jurisdiction), with the same pages as a scan
// of the log.

const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

let store: SqliteEventStore;
let db: Kysely<FeedIndexReadModels>;
let index: FeedIndex;
beforeEach(() => {
  store = SqliteEventStore.open({ path: ":memory:" });
  db = openSqliteReadModels<FeedIndexReadModels>(":memory:");
  index = new FeedIndex({ db, log: store });
});
afterEach(async () => {
  await index.stop();
  await db.destroy();
  await store.close();
});

async function register(log: EventStore, jurisdiction: string): Promise<void> {
  const institution: RegisteredInstitutionFact = {
    institutionId: uuidv7(),
    name: "医院",
    grade: "HOSPITAL_GRADE_PRIMARY",
    licence: undefined,
    subjectCodes: [],
    jurisdiction,
    hostLicenceNumber: "",
  };
  const command = { sourceEventId: uuidv7(), occurredAt: "2026-03-01T08:00:00.000Z", fact: { type: "InstitutionRegistered" as const, institution } };
  await recordFeedEntry(log, command, { correlationId: "" }, new Date("2026-03-01T08:00:00.000Z"));
}

/** An event of the log that is not a feed entry (the log also holds refusals, incidents …). */
async function other(log: EventStore): Promise<void> {
  const metadata = { actorId: "t", actorRole: "SYSTEM", tenantId: "t", correlationId: "c", causationId: "c", occurredAt: "2026-03-01T08:00:00.000Z" };
  await log.append(`other-${uuidv7()}`, [{ id: uuidv7(), type: "SomethingElse", schemaVersion: 1, data: {}, metadata }], "no_stream");
}

/** The old way, as the oracle: scan the whole log, keep the matching entries, cut the page. */
async function scanned(log: EventStore, filter: FeedFilter, page: { first: number; after: LogPosition }): Promise<FeedPage> {
  const all = await log.readAll({ after: page.after, limit: 1_000_000 });
  const records = all.flatMap((event) => {
    const record = feedRecordOf(event);
    return record !== undefined && (filter.jurisdiction === undefined || record.data.jurisdiction === filter.jurisdiction) ? [record] : [];
  });
  if (records.length > page.first) {
    const kept = records.slice(0, page.first);
    return { records: kept, endPosition: kept.at(-1)?.position, hasNextPage: true };
  }
  return { records, endPosition: all.at(-1)?.position, hasNextPage: false };
}

describe("listing the feed through its index", () => {
  it("REP-04: a page fills across entries the filter skips, and ends where the next match starts", async () => {
    for (const jurisdiction of ["tianjin", "guangxi", "guangxi", "tianjin", "guangxi", "tianjin"]) await register(store, jurisdiction);
    const first = await listFeed(index, { jurisdiction: "tianjin" }, { first: 2, after: START });
    expect(first.records.map((record) => record.position)).toEqual([1n, 4n]);
    expect(first).toMatchObject({ endPosition: 4n, hasNextPage: true });
    const second = await listFeed(index, { jurisdiction: "tianjin" }, { first: 2, after: 4n });
    expect(second).toMatchObject({ records: [{ position: 6n }], endPosition: 6n, hasNextPage: false });
  });

  it("REP-04: a filter matching nothing ends the page where the log ends; past the end nothing moves", async () => {
    for (const jurisdiction of ["guangxi", "guangxi", "guangxi"]) await register(store, jurisdiction);
    await other(store);
    expect(await listFeed(index, { jurisdiction: "tianjin" }, { first: 10, after: START })).toEqual({ records: [], endPosition: 4n, hasNextPage: false });
    expect(await listFeed(index, { jurisdiction: "tianjin" }, { first: 10, after: 4n })).toEqual({ records: [], endPosition: undefined, hasNextPage: false });
  });

  it("REP-04: an entry recorded just before a read is in it (the index catches up first)", async () => {
    await index.start();
    await register(store, "tianjin");
    expect((await listFeed(index, { jurisdiction: "tianjin" }, { first: 10, after: START })).records).toHaveLength(1);
    await register(store, "tianjin");
    expect((await listFeed(index, { jurisdiction: "tianjin" }, { first: 10, after: 1n })).records.map((record) => record.position)).toEqual([2n]);
  });

  it("REP-04: a page size of 0 means the default", async () => {
    for (let i = 0; i < 3; i++) await register(store, "national");
    expect((await listFeed(index, { jurisdiction: undefined }, { first: 0, after: START })).records).toHaveLength(3);
    expect((await listFeed(index, { jurisdiction: undefined }, { first: 1, after: START })).hasNextPage).toBe(true);
  });

  it("REP-04: the index catches up from its checkpoint, idempotently: a second index on the same rows reads only what is new", async () => {
    for (const jurisdiction of ["tianjin", "guangxi"]) await register(store, jurisdiction);
    expect((await listFeed(index, { jurisdiction: undefined }, { first: 10, after: START })).records).toHaveLength(2);
    const reads: LogPosition[] = [];
    const counting: EventStore = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "readAll") {
          return (options: ReadAllOptions) => {
            reads.push(options.after ?? START);
            return target.readAll(options);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const again = new FeedIndex({ db, log: store, source: counting });
    await register(store, "tianjin");
    const page = await listFeed(again, { jurisdiction: "tianjin" }, { first: 10, after: START });
    expect(page.records.map((record) => record.position)).toEqual([1n, 3n]);
    expect(reads[0]).toBe(2n);
    const rows = await db.selectFrom("feed_index").select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(3);
  });

  it("REP-04: property — on a random log, every page of every filter equals the scan's, and paging by endPosition visits each entry once", async () => {
    const jurisdictions = ["tianjin", "guangxi", "chongqing"] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("tianjin", "guangxi", "chongqing", "other"), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(undefined, ...jurisdictions),
        async (kinds, first, jurisdiction) => {
          const log = SqliteEventStore.open({ path: ":memory:" });
          const rm = openSqliteReadModels<FeedIndexReadModels>(":memory:");
          try {
            for (const kind of kinds) await (kind === "other" ? other(log) : register(log, kind));
            await comparePages(new FeedIndex({ db: rm, log }), log, { jurisdiction }, first);
          } finally {
            await rm.destroy();
            await log.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("REP-04: StreamFeed catches up from the index, then follows the log live: each entry once, in order", async () => {
    for (const jurisdiction of ["tianjin", "guangxi", "tianjin"]) await register(store, jurisdiction);
    const controller = new AbortController();
    const seen: LogPosition[] = [];
    const following = (async () => {
      for await (const record of streamFeed(index, { jurisdiction: "tianjin" }, 1n, controller.signal)) {
        seen.push(record.position);
        if (seen.length === 3) controller.abort();
      }
    })();
    await other(store);
    await register(store, "guangxi");
    await register(store, "tianjin");
    await register(store, "tianjin");
    await following;
    expect(seen).toEqual([3n, 6n, 7n]);
  });
});

async function comparePages(reader: FeedIndex, log: EventStore, filter: FeedFilter, first: number): Promise<void> {
  let after: LogPosition = START;
  const visited: LogPosition[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const page = await listFeed(reader, filter, { first, after });
    expect(page).toEqual(await scanned(log, filter, { first, after }));
    visited.push(...page.records.map((record) => record.position));
    if (!page.hasNextPage) break;
    after = page.endPosition ?? after;
  }
  const expected = (await scanned(log, filter, { first: 1_000_000, after: START })).records.map((record) => record.position);
  expect(visited).toEqual(expected);
}

const postgresUp = await (async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (process.env["CI"] === "true") throw error;
    console.warn(`feed index on PostgreSQL skipped: ${DATABASE_URL} unreachable (${String(error)})`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
})();

describe.skipIf(!postgresUp)("the feed index on PostgreSQL", () => {
  it("REP-04: the same pages as the scan, with read models in PostgreSQL", async () => {
    const schema = `feed_index_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const rm = openPostgresReadModels<FeedIndexReadModels>(DATABASE_URL, { schema, maxConnections: 2 });
    try {
      for (const kind of ["tianjin", "other", "guangxi", "tianjin", "other", "tianjin", "guangxi"]) await (kind === "other" ? other(store) : register(store, kind));
      const pgIndex = new FeedIndex({ db: rm, log: store });
      for (const jurisdiction of [undefined, "tianjin", "guangxi", "chongqing"] as const) {
        for (const first of [1, 2, 5]) await comparePages(pgIndex, store, { jurisdiction }, first);
      }
      // Caught up again from its checkpoint: nothing applied twice.
      await new FeedIndex({ db: rm, log: store }).caughtUp();
      const rows = await rm.selectFrom("feed_index").select(({ fn }) => fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(5);
    } finally {
      await rm.destroy();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
