import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventStore } from "@ihp/eventsourcing";
import { feedEventId } from "../src/application/feedEventId.js";
import { institutionJurisdiction } from "../src/application/institutionJurisdiction.js";
import { recordFeedEntry } from "../src/application/recordFeedEntry.js";
import type { RecordFeedEntry } from "../src/domain/feed/feedDecider.js";

const now = new Date("2026-03-01T08:00:05.000Z");
const register: RecordFeedEntry = {
  sourceEventId: "0195a3c4-1111-7000-8000-000000000001",
  occurredAt: "2026-03-01T08:00:00.000Z",
  fact: {
    type: "InstitutionRegistered",
    institution: {
      institutionId: "inst-1",
      name: "天津市第一互联网医院",
      grade: "HOSPITAL_GRADE_TERTIARY_A",
      licence: { number: "PDY-1", validFrom: "2026-01-01", validUntil: "2030-12-31" },
      subjectCodes: ["03.07"],
      jurisdiction: "tianjin",
      hostLicenceNumber: "12010011A1001",
    },
  },
};
const source = { correlationId: "corr-1", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

let store: SqliteEventStore;
beforeEach(() => {
  store = SqliteEventStore.open({ path: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

describe("recording a feed entry", () => {
  it("XC-01: records the entry under the derived id, with the source as causation and request id", async () => {
    const outcome = await recordFeedEntry(store, register, source, now);
    expect(outcome.repeated).toBe(false);
    const [event, ...rest] = await store.readStream("reporting-feed-inst-1");
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      id: feedEventId(register.sourceEventId),
      type: "FeedEntryRecorded",
      metadata: {
        actorId: "reporting-feed",
        actorRole: "system",
        tenantId: "inst-1",
        correlationId: "corr-1",
        causationId: register.sourceEventId,
        requestId: register.sourceEventId,
        occurredAt: now.toISOString(),
        traceparent: source.traceparent,
      },
    });
  });

  it("XC-01: a redelivery appends nothing (request id = source event id)", async () => {
    await recordFeedEntry(store, register, source, now);
    const again = await recordFeedEntry(store, register, source, new Date("2026-03-01T09:00:00.000Z"));
    expect(again.repeated).toBe(true);
    expect(await readWholeLog(store)).toHaveLength(1);
  });

  it("XC-01: two deliveries racing past the request-id check still store one event (deterministic event id)", async () => {
    // Both read the empty stream before either appends; the second append repeats the first's id: a duplicate.
    await Promise.all([recordFeedEntry(store, register, source, now), recordFeedEntry(store, register, source, now)]);
    const events = await readWholeLog(store);
    expect(events.map((event) => event.id)).toEqual([feedEventId(register.sourceEventId)]);
  });

  it("REP-04: an institution's jurisdiction is read from its feed stream once, being fixed at registration; \"unknown\" is read again until the registration lands", async () => {
    const reads: string[] = [];
    const counted: EventStore = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "readStream") return (streamId: string, options?: object) => (reads.push(streamId), target.readStream(streamId, options));
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    expect(await institutionJurisdiction(counted, "inst-1")).toBe("unknown");
    expect(await institutionJurisdiction(counted, "inst-1")).toBe("unknown");
    expect(reads).toEqual(["reporting-feed-inst-1", "reporting-feed-inst-1"]);
    await recordFeedEntry(store, register, source, now);
    expect(await institutionJurisdiction(counted, "inst-1")).toBe("tianjin");
    expect(await institutionJurisdiction(counted, "inst-1")).toBe("tianjin");
    expect(reads).toHaveLength(3);
    // Per store: another log (a test's, another service's) reads its own.
    const other = SqliteEventStore.open({ path: ":memory:" });
    try {
      expect(await institutionJurisdiction(other, "inst-1")).toBe("unknown");
    } finally {
      await other.close();
    }
  });
});
