import { START, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listFeed } from "../src/application/feedQueries.js";
import { recordFeedEntry } from "../src/application/recordFeedEntry.js";
import type { RegisteredInstitutionFact } from "../src/domain/feed/facts.js";

let store: SqliteEventStore;
beforeEach(() => {
  store = SqliteEventStore.open({ path: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

async function register(jurisdiction: string): Promise<void> {
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
  await recordFeedEntry(store, command, { correlationId: "" }, new Date("2026-03-01T08:00:00.000Z"));
}

describe("listing the feed", () => {
  it("REP-04: a page fills across entries the filter skips, and ends where the next match starts", async () => {
    for (const jurisdiction of ["tianjin", "guangxi", "guangxi", "tianjin", "guangxi", "tianjin"]) await register(jurisdiction);
    const first = await listFeed(store, { jurisdiction: "tianjin" }, { first: 2, after: START });
    expect(first.records.map((record) => record.position)).toEqual([1n, 4n]);
    expect(first).toMatchObject({ endPosition: 4n, hasNextPage: true });
    const second = await listFeed(store, { jurisdiction: "tianjin" }, { first: 2, after: 4n });
    expect(second).toMatchObject({ records: [{ position: 6n }], endPosition: 6n, hasNextPage: false });
  });

  it("REP-04: a scan budget bounds one call: a short page says there may be more, and the next goes on from there", async () => {
    for (const jurisdiction of ["guangxi", "guangxi", "guangxi", "tianjin"]) await register(jurisdiction);
    const short = await listFeed(store, { jurisdiction: "tianjin" }, { first: 10, after: START }, 2);
    expect(short).toEqual({ records: [], endPosition: 2n, hasNextPage: true });
    const rest = await listFeed(store, { jurisdiction: "tianjin" }, { first: 10, after: 2n }, 2);
    expect(rest).toMatchObject({ records: [{ position: 4n }], endPosition: 4n, hasNextPage: true });
    const end = await listFeed(store, { jurisdiction: "tianjin" }, { first: 10, after: 4n }, 2);
    expect(end).toEqual({ records: [], endPosition: undefined, hasNextPage: false });
  });

  it("REP-04: a page size of 0 means the default", async () => {
    for (let i = 0; i < 3; i++) await register("national");
    expect((await listFeed(store, { jurisdiction: undefined }, { first: 0, after: START })).records).toHaveLength(3);
    expect((await listFeed(store, { jurisdiction: undefined }, { first: 1, after: START })).hasNextPage).toBe(true);
  });
});
