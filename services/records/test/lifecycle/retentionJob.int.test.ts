import { randomUUID } from "node:crypto";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger } from "@ihp/platform";
import { afterEach, describe, expect, it } from "vitest";
import { createOrigination } from "../../src/application/originate.js";
import { RETENTION_REVIEW_STREAM, retentionReviewJob } from "../../src/application/retentionJob.js";
import { createRecordStore } from "../../src/application/store.js";
import { consultDouble } from "../service/doubles.js";
import { consultOf, practitionersDouble } from "./harness.js";

// The daily job (REC-02, REC-03, §9): lists what falls due, records the list once per day, destroys nothing.

const stores: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function withRecords(visits: readonly { consultId: string; patientId: string; startedAt: string }[]) {
  const store = SqliteEventStore.open({ path: ":memory:" });
  stores.push(store);
  const records = createRecordStore(store, randomUUID);
  const sources = new Map(visits.map((visit) => [visit.consultId, consultOf(visit.consultId, { ...visit, completedAt: visit.startedAt })]));
  const originate = createOrigination({
    records,
    consult: consultDouble(sources),
    identity: practitionersDouble({ "physician-1": { name: "王示范", title: "主治医师" } }),
    media: undefined,
    clock: () => new Date("2026-12-06T03:00:00.000Z"),
    newEventId: randomUUID,
    cosignTitles: [],
  });
  const ids: string[] = [];
  for (const visit of visits) ids.push(await originate(visit.consultId, `cause-${visit.consultId}`));
  return { store, records, ids };
}

const logger = createLogger({ name: "records", level: "silent" });

describe("the retention review job", () => {
  it("REC-02: lists per patient from their last visit, once per day, and destroys nothing", async () => {
    const { store, records, ids } = await withRecords([
      { consultId: "c-1", patientId: "patient-1", startedAt: "2026-12-06T02:00:00.000Z" },
      { consultId: "c-2", patientId: "patient-2", startedAt: "2026-12-06T02:00:00.000Z" },
      { consultId: "c-3", patientId: "patient-2", startedAt: "2030-01-10T02:00:00.000Z" },
    ]);
    const run = (at: string) => retentionReviewJob({ everyMs: 86_400_000, clock: () => new Date(at) }).run({ store, newId: randomUUID, logger });

    await run("2041-12-06T02:00:00.000Z"); // the last day for patient-1
    await run("2041-12-07T02:00:00.000Z");
    await run("2041-12-07T09:00:00.000Z"); // the same Beijing day again: recorded once
    const listed = (await store.readStream(RETENTION_REVIEW_STREAM)).map((event) => event.data as { day: string; items: { documentId: string; retainUntil: string; profileVersion: string }[] });
    expect(listed.map((entry) => [entry.day, entry.items.map((item) => item.documentId)])).toEqual([
      ["2041-12-06", []],
      ["2041-12-07", [ids[0]]],
    ]);
    expect(listed[1]!.items[0]).toMatchObject({ retainUntil: "2041-12-06" });
    expect(listed[1]!.items[0]!.profileVersion).toMatch(/^national@/);
    // patient-2's earlier record waits for their later visit's clock (2045-01-10).
    expect(JSON.stringify(listed)).not.toContain("patient-2");
    for (const id of ids) expect((await records.record(id)).status).toBe("DRAFT");
  });
});
