import { type EventStore, type StoredEvent, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { createAuditTrail, openEventStore } from "@ihp/platform";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { legacyRosterStreamId, rosterPeriodStreamId } from "../src/application/ids.js";
import { createRoster, type Roster } from "../src/application/rosterCommands.js";
import type { BusinessHours, RosterEvent } from "../src/domain/roster/index.js";

// PHA-06 roster "closing the books": the roster is kept in one stream per Beijing month, each opened with what still
// matters from the one before, so a coverage check reads one month whatever the roster's age.

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
// 08:00–20:00 Beijing, every day.
const HOURS: BusinessHours = { weekdays: [1, 2, 3, 4, 5, 6, 7], opensAt: 8 * 60, closesAt: 20 * 60 };
const admin: Caller = {
  principal: { subject: "admin-1", roles: ["institution_admin"], tenantId: INSTITUTION, kind: "human" },
  token: undefined,
  correlationId: "corr-admin",
  trace: {},
};
const patient: Caller = {
  principal: { subject: "patient-1", roles: ["patient"], tenantId: "platform", kind: "human" },
  token: undefined,
  correlationId: "corr-patient",
  trace: {},
};
const monitor: Caller = {
  principal: { subject: "svc:pharmacy", roles: ["system"], tenantId: "platform", kind: "service" },
  token: undefined,
  correlationId: "corr-monitor",
  trace: {},
};

interface Harness {
  readonly store: EventStore;
  readonly roster: Roster;
  /** Events and streams readStream returned since the last reset. */
  readonly reads: { events: number; streams: number };
  /** Appends refused for a revision conflict. */
  readonly conflicts: { count: number };
  at(instant: string): void;
  stream(streamId: string): Promise<readonly StoredEvent[]>;
}

const opened: EventStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

/** A roster over an in-memory store that counts what readStream returns; `slowReads` makes every read yield first. */
async function harness(options: { slowReads?: boolean } = {}): Promise<Harness> {
  const inner = await openEventStore({ context: "pharmacy", dataDir: ":memory:" });
  opened.push(inner);
  const reads = { events: 0, streams: 0 };
  const conflicts = { count: 0 };
  const store: EventStore = {
    async append(streamId, events, expected) {
      try {
        return await inner.append(streamId, events, expected);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) conflicts.count += 1;
        throw error;
      }
    },
    async appendMany(batch) {
      try {
        return await inner.appendMany(batch);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) conflicts.count += 1;
        throw error;
      }
    },
    async readStream(streamId, readOptions) {
      if (options.slowReads === true) await new Promise((resolve) => setTimeout(resolve, 2));
      const events = await inner.readStream(streamId, readOptions);
      reads.events += events.length;
      reads.streams += 1;
      return events;
    },
    readAll: (readOptions) => inner.readAll(readOptions),
    subscribe: (subscribeOptions) => inner.subscribe(subscribeOptions),
    verify: () => inner.verify(),
    close: () => inner.close(),
  };
  let now = new Date("2026-01-01T00:00:00Z");
  let ids = 0;
  const roster = createRoster({
    store,
    audit: createAuditTrail({ store, context: "pharmacy", clock: () => now, newId: () => `audit-${++ids}` }),
    clock: () => now,
    newEventId: () => `00000000-0000-7000-8000-${String(++ids).padStart(12, "0")}`,
    hours: HOURS,
    identity: { checkReviewer: () => Promise.resolve({ affiliation: "IN_HOUSE", dispensingYears: 5 }) },
  });
  return {
    store,
    roster,
    reads,
    conflicts,
    at(instant) {
      now = new Date(instant);
    },
    stream: (streamId) => inner.readStream(streamId),
  };
}

/** "YYYY-MM" `count` months after `month`. */
function monthsAfter(month: string, count: number): string {
  const [year, number] = month.split("-").map(Number);
  const at = new Date(Date.UTC(year ?? 0, (number ?? 1) - 1 + count, 1));
  return at.toISOString().slice(0, 7);
}

function schedule(h: Harness, requestId: string, pharmacistId: string, startsAt: string, endsAt: string) {
  return h.roster.schedule(admin, { requestId, institutionId: INSTITUTION, pharmacistId, startsAt, endsAt });
}

/** A month of roster life: five morning shifts, one of them cancelled, checks while on duty and in each afternoon's gap. */
async function liveMonth(h: Harness, month: string): Promise<void> {
  for (let day = 1; day <= 5; day++) {
    const date = `${month}-0${day}`;
    h.at(`${date}T07:00:00+08:00`);
    const shift = await schedule(h, `req-${date}-morning`, "pharmacist-0001", `${date}T08:00:00+08:00`, `${date}T14:00:00+08:00`);
    if (day === 3) await h.roster.cancel(admin, { requestId: `req-${date}-cancel`, institutionId: INSTITUTION, shiftId: shift.shiftId });
    h.at(`${date}T10:00:00+08:00`);
    await h.roster.coverage(patient, INSTITUTION);
    h.at(`${date}T15:00:00+08:00`);
    await h.roster.coverage(patient, INSTITUTION);
  }
}

describe("the roster closes its books every Beijing month (PHA-06)", () => {
  // The first month's books open on an empty roster (no alert to end yet), so the shortest history compared is two months.
  it("PHA-06: a coverage check reads as many events after 24 months of roster history as after 2", async () => {
    async function readsAfter(months: number): Promise<{ first: number; second: number; coverage: unknown }> {
      const h = await harness();
      for (let month = 0; month < months; month++) await liveMonth(h, monthsAfter("2024-01", month));
      const current = monthsAfter("2024-01", months);
      // Scheduled the month before, on duty at the month's first check, which opens the month.
      h.at(`${monthsAfter(current, -1)}-28T07:00:00+08:00`);
      await schedule(h, `req-${current}-first`, "pharmacist-0002", `${current}-01T08:00:00+08:00`, `${current}-01T12:00:00+08:00`);
      h.at(`${current}-01T09:00:00+08:00`);
      h.reads.events = 0;
      const { at: _at, ...coverage } = await h.roster.coverage(patient, INSTITUTION);
      const first = h.reads.events;
      h.reads.events = 0;
      await h.roster.coverage(patient, INSTITUTION);
      return { first, second: h.reads.events, coverage };
    }
    const one = await readsAfter(2);
    const many = await readsAfter(24);
    expect(one.coverage).toMatchObject({ gap: false, pharmacistsOnDuty: ["pharmacist-0002"] });
    expect(many.coverage).toEqual(one.coverage);
    expect(many.second).toBe(one.second);
    expect(many.first).toBe(one.first);
  });

  it("PHA-06: a night shift across the month's end, a shift months ahead and an open gap alert carry over; ended shifts do not", async () => {
    const h = await harness();
    h.at("2026-03-01T07:00:00+08:00");
    const ended = await schedule(h, "req-march-ended", "pharmacist-0001", "2026-03-10T08:00:00+08:00", "2026-03-10T14:00:00+08:00");
    const night = await schedule(h, "req-march-night", "pharmacist-0002", "2026-03-31T22:00:00+08:00", "2026-04-01T06:00:00+08:00");
    const ahead = await schedule(h, "req-july-ahead", "pharmacist-0003", "2026-07-15T08:00:00+08:00", "2026-07-15T20:00:00+08:00");
    h.at("2026-03-31T12:00:00+08:00");
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: true, expectedReviewAt: night.startsAt });

    // 02:00 on 1 April: the night shift is on duty, outside business hours, so the March alert ends.
    h.at("2026-04-01T02:00:00+08:00");
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: false, pharmacistsOnDuty: ["pharmacist-0002"] });
    const april = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-04"));
    expect(april.map((event) => event.type)).toEqual(["RosterPeriodOpened", "ReviewCoverageRestored"]);
    expect(april[0]?.data).toEqual({
      period: "2026-04",
      carriedFrom: rosterPeriodStreamId(INSTITUTION, "2026-03"),
      shifts: [
        { shiftId: night.shiftId, pharmacistId: "pharmacist-0002", startsAt: night.startsAt, endsAt: night.endsAt },
        { shiftId: ahead.shiftId, pharmacistId: "pharmacist-0003", startsAt: ahead.startsAt, endsAt: ahead.endsAt },
      ],
      gapOpen: true,
    });
    const march = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-03"));
    expect(march.at(-1)).toMatchObject({ type: "RosterPeriodClosed", data: { next: "2026-04" } });

    // 10:00: nobody on duty until the July shift.
    h.at("2026-04-01T10:00:00+08:00");
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: true, expectedReviewAt: ahead.startsAt });
    // A carried shift can be cancelled; one that ended before April is no longer on April's roster.
    await h.roster.cancel(admin, { requestId: "req-cancel-ahead", institutionId: INSTITUTION, shiftId: ahead.shiftId });
    await expect(h.roster.cancel(admin, { requestId: "req-cancel-ended", institutionId: INSTITUTION, shiftId: ended.shiftId })).rejects.toMatchObject({
      code: "SHIFT_NOT_FOUND",
    });
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: true, expectedReviewAt: undefined });
  });

  it("PHA-06: the months a quiet roster skipped are walked over, and its state still counts", async () => {
    const h = await harness();
    h.at("2026-01-05T07:00:00+08:00");
    const ahead = await schedule(h, "req-june-ahead", "pharmacist-0003", "2026-06-02T08:00:00+08:00", "2026-06-02T20:00:00+08:00");
    h.at("2026-06-02T09:00:00+08:00");
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: false, pharmacistsOnDuty: ["pharmacist-0003"] });
    const june = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-06"));
    expect(june[0]?.data).toMatchObject({ carriedFrom: rosterPeriodStreamId(INSTITUTION, "2026-01"), shifts: [{ shiftId: ahead.shiftId }] });
  });

  it("PHA-06: the roster kept in the unsplit stream before the split still counts, and is closed on first access", async () => {
    const h = await harness();
    const legacy = legacyRosterStreamId(INSTITUTION);
    const metadata = { actorId: "admin-1", actorRole: "institution_admin", tenantId: INSTITUTION, correlationId: "c", causationId: "r", occurredAt: "2026-02-01T00:00:00.000Z" };
    const shiftOf = (shiftId: string, startsAt: string, endsAt: string) => ({ shiftId, pharmacistId: "pharmacist-0001", startsAt, endsAt });
    const current = shiftOf("shift-current", "2026-03-05T00:00:00.000Z", "2026-03-05T06:00:00.000Z");
    const future = shiftOf("shift-future", "2026-05-01T00:00:00.000Z", "2026-05-01T06:00:00.000Z");
    const history: RosterEvent[] = [
      { type: "ShiftScheduled", data: shiftOf("shift-ended", "2026-02-10T00:00:00.000Z", "2026-02-10T06:00:00.000Z") },
      { type: "ShiftScheduled", data: current },
      { type: "ShiftScheduled", data: future },
      { type: "ShiftScheduled", data: shiftOf("shift-cancelled", "2026-03-06T00:00:00.000Z", "2026-03-06T06:00:00.000Z") },
      { type: "ShiftCancelled", data: { shiftId: "shift-cancelled" } },
      { type: "ReviewCoverageGapDetected", data: { detectedAt: "2026-02-11T02:00:00.000Z", expectedReviewAt: current.startsAt } },
    ];
    await h.store.append(
      legacy,
      history.map((event, index) => ({ id: `00000000-0000-7000-8000-1000000000${index}0`, schemaVersion: 1, metadata, ...event })),
      "no_stream",
    );

    h.at("2026-03-05T02:00:00Z"); // 10:00 Beijing: the legacy shift is on duty, so the legacy gap alert ends.
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: false, pharmacistsOnDuty: ["pharmacist-0001"] });
    const march = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-03"));
    expect(march.map((event) => event.type)).toEqual(["RosterPeriodOpened", "ReviewCoverageRestored"]);
    expect(march[0]?.data).toEqual({ period: "2026-03", carriedFrom: legacy, shifts: [current, future], gapOpen: true });
    expect((await h.stream(legacy)).at(-1)).toMatchObject({ type: "RosterPeriodClosed", data: { next: "2026-03" } });
    // The stream carries the institution: every event of the new books is the institution's.
    expect(march.every((event) => event.metadata.tenantId === INSTITUTION)).toBe(true);

    // Read once: later checks read only the month's stream.
    h.reads.streams = 0;
    await h.roster.coverage(patient, INSTITUTION);
    expect(h.reads.streams).toBe(1);
  });

  it("PHA-06: two checks opening the same month concurrently record one opening, one alert and the same coverage", async () => {
    const h = await harness({ slowReads: true });
    h.at("2026-03-30T07:00:00+08:00");
    const next = await schedule(h, "req-april-late", "pharmacist-0001", "2026-04-01T13:00:00+08:00", "2026-04-01T20:00:00+08:00");
    h.at("2026-04-01T09:00:00+08:00");
    const [one, two] = await Promise.all([h.roster.coverage(patient, INSTITUTION), h.roster.monitorCoverage(monitor, INSTITUTION)]);
    // They did race: one of them lost an append and re-read.
    expect(h.conflicts.count).toBeGreaterThan(0);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ gap: true, expectedReviewAt: next.startsAt });
    const april = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-04"));
    expect(april.map((event) => event.type)).toEqual(["RosterPeriodOpened", "ReviewCoverageGapDetected"]);
    const march = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-03"));
    expect(march.filter((event) => event.type === "RosterPeriodClosed")).toHaveLength(1);
  });

  it("PHA-06: a command whose clock still says last month, arriving after the books were closed, is recorded in the new month", async () => {
    const h = await harness();
    h.at("2026-03-31T12:00:00+08:00");
    await h.roster.coverage(patient, INSTITUTION);
    h.at("2026-04-01T00:00:01+08:00");
    await h.roster.coverage(patient, INSTITUTION);
    h.at("2026-03-31T23:59:59+08:00"); // a replica whose clock is late
    const late = await schedule(h, "req-late-clock", "pharmacist-0001", "2026-04-01T08:00:00+08:00", "2026-04-01T20:00:00+08:00");
    const march = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-03"));
    expect(march.at(-1)?.type).toBe("RosterPeriodClosed");
    h.at("2026-04-01T09:00:00+08:00");
    expect(await h.roster.coverage(patient, INSTITUTION)).toMatchObject({ gap: false, pharmacistsOnDuty: ["pharmacist-0001"] });
    // Repeating the request returns the shift it scheduled, and schedules nothing more.
    expect(await schedule(h, "req-late-clock", "pharmacist-0001", late.startsAt, late.endsAt)).toEqual(late);
    const april = await h.stream(rosterPeriodStreamId(INSTITUTION, "2026-04"));
    expect(april.filter((event) => event.type === "ShiftScheduled")).toHaveLength(1);
  });
});
