import { fold } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { beijingMonth, monthStart, previousMonth } from "../src/domain/dates.js";
import { type BusinessHours, carriedOver, type RosterEvent, reviewCoverage, rosterDecider, shiftsOf } from "../src/domain/roster/index.js";

// 08:00–20:00 Beijing, every day.
const HOURS: BusinessHours = { weekdays: [1, 2, 3, 4, 5, 6, 7], opensAt: 8 * 60, closesAt: 20 * 60 };
const shift = { shiftId: "shift-1", pharmacistId: "pharmacist-1", startsAt: "2026-03-02T00:00:00.000Z", endsAt: "2026-03-02T04:00:00.000Z" };
const later = { shiftId: "shift-2", pharmacistId: "pharmacist-2", startsAt: "2026-03-02T06:00:00.000Z", endsAt: "2026-03-02T12:00:00.000Z" };
const scheduled: RosterEvent = { type: "ShiftScheduled", data: shift };
const scheduledLater: RosterEvent = { type: "ShiftScheduled", data: later };
// 13:00 Beijing: between the two shifts.
const IN_GAP = new Date("2026-03-02T05:00:00Z");

describe("roster (PHA-06)", () => {
  it("PHA-06: schedules a shift and refuses a malformed one", () => {
    given(rosterDecider).when({ type: "ScheduleShift", ...shift }).then([scheduled]);
    given(rosterDecider).when({ type: "ScheduleShift", ...shift, endsAt: shift.startsAt }).thenError("INVALID_SHIFT", "PHA-06");
    given(rosterDecider).when({ type: "ScheduleShift", ...shift, startsAt: "08:00" }).thenError("INVALID_SHIFT");
    given(rosterDecider).when({ type: "ScheduleShift", ...shift, endsAt: "2026-03-03T04:00:01Z" }).thenError("INVALID_SHIFT");
    given(rosterDecider).when({ type: "CancelShift", shiftId: "nope" }).thenError("SHIFT_NOT_FOUND");
  });

  it("PHA-06: during business hours with nobody on duty, alerts once per gap with the expected review time", () => {
    const gap: RosterEvent = {
      type: "ReviewCoverageGapDetected",
      data: { detectedAt: IN_GAP.toISOString(), expectedReviewAt: later.startsAt },
    };
    given(rosterDecider, [scheduled, scheduledLater]).when({ type: "CheckReviewCoverage", hours: HOURS, at: IN_GAP }).then([gap]);
    const again = new Date("2026-03-02T05:30:00Z");
    given(rosterDecider, [scheduled, scheduledLater, gap]).when({ type: "CheckReviewCoverage", hours: HOURS, at: again }).then([]);
    const covered = new Date("2026-03-02T06:30:00Z");
    given(rosterDecider, [scheduled, scheduledLater, gap])
      .when({ type: "CheckReviewCoverage", hours: HOURS, at: covered })
      .then([{ type: "ReviewCoverageRestored", data: { restoredAt: covered.toISOString() } }]);
  });

  it("PHA-06: no alert while a pharmacist is on duty or outside business hours", () => {
    given(rosterDecider, [scheduled]).when({ type: "CheckReviewCoverage", hours: HOURS, at: new Date("2026-03-02T01:00:00Z") }).then([]);
    // 22:00 Beijing.
    given(rosterDecider).when({ type: "CheckReviewCoverage", hours: HOURS, at: new Date("2026-03-02T14:00:00Z") }).then([]);
  });

  it("PHA-06: tells patients the expected review delay until the next on-duty shift", () => {
    const coverage = reviewCoverage([shift, later], HOURS, IN_GAP);
    expect(coverage).toEqual({
      withinBusinessHours: true,
      pharmacistsOnDuty: [],
      gap: true,
      expectedReviewAt: later.startsAt,
      expectedDelayMinutes: 60,
    });
    expect(reviewCoverage([], HOURS, IN_GAP).expectedDelayMinutes).toBeUndefined();
    expect(reviewCoverage([shift], HOURS, new Date("2026-03-02T01:00:00Z")).pharmacistsOnDuty).toEqual(["pharmacist-1"]);
  });

  it("PHA-06: business hours follow Beijing weekdays", () => {
    const weekdays: BusinessHours = { ...HOURS, weekdays: [1, 2, 3, 4, 5] };
    // Sunday 2026-03-08 10:00 Beijing.
    expect(reviewCoverage([], weekdays, new Date("2026-03-08T02:00:00Z")).gap).toBe(false);
    // Monday 2026-03-09 07:59 Beijing is before opening; 08:00 is open.
    expect(reviewCoverage([], weekdays, new Date("2026-03-08T23:59:00Z")).withinBusinessHours).toBe(false);
    expect(reviewCoverage([], weekdays, new Date("2026-03-09T00:00:00Z")).withinBusinessHours).toBe(true);
  });

  it("PHA-06: a command on new books records their opening first and decides on the state carried over", () => {
    const opening = { period: "2026-03", carriedFrom: "pharmacy-roster-i~2026-02", shifts: [later], gapOpen: true };
    const opened: RosterEvent = { type: "RosterPeriodOpened", data: opening };
    given(rosterDecider).when({ type: "ScheduleShift", ...shift, opening }).then([opened, scheduled]);
    // The carried alert is still open, so a check in the gap raises none.
    given(rosterDecider).when({ type: "CheckReviewCoverage", hours: HOURS, at: IN_GAP, opening }).then([opened]);
    given(rosterDecider).when({ type: "CancelShift", shiftId: later.shiftId, opening }).then([opened, { type: "ShiftCancelled", data: { shiftId: later.shiftId } }]);
    given(rosterDecider).when({ type: "CancelShift", shiftId: shift.shiftId, opening }).thenError("SHIFT_NOT_FOUND");
  });

  it("PHA-06: the books carry over the shifts not ended at the month's start and the open alert", () => {
    const night = { shiftId: "night", pharmacistId: "pharmacist-3", startsAt: "2026-03-31T14:00:00.000Z", endsAt: "2026-03-31T22:00:00.000Z" };
    const ahead = { shiftId: "ahead", pharmacistId: "pharmacist-4", startsAt: "2026-07-01T00:00:00.000Z", endsAt: "2026-07-01T08:00:00.000Z" };
    const state = fold(rosterDecider, [
      scheduled,
      { type: "ShiftScheduled", data: night },
      { type: "ShiftScheduled", data: ahead },
      { type: "ReviewCoverageGapDetected", data: { detectedAt: IN_GAP.toISOString(), expectedReviewAt: "" } },
    ] satisfies RosterEvent[]);
    // 2026-04 starts at 2026-03-31T16:00Z (Beijing midnight), in the middle of the night shift.
    expect(monthStart("2026-04").toISOString()).toBe("2026-03-31T16:00:00.000Z");
    expect(carriedOver(state, { period: "2026-04", start: monthStart("2026-04"), carriedFrom: "books" })).toEqual({
      period: "2026-04",
      carriedFrom: "books",
      shifts: [night, ahead],
      gapOpen: true,
    });
    expect(beijingMonth(new Date("2026-03-31T16:00:00Z"))).toBe("2026-04");
    expect(beijingMonth(new Date("2026-03-31T15:59:59Z"))).toBe("2026-03");
    expect(previousMonth("2026-01")).toBe("2025-12");
  });

  it("PHA-06: a month's books fold in linear time: 5,000 shifts, every fifth cancelled", () => {
    const events: RosterEvent[] = [];
    for (let index = 0; index < 5_000; index++) {
      const startsAt = new Date(Date.parse("2026-03-01T00:00:00Z") + index * 60_000).toISOString();
      const endsAt = new Date(Date.parse(startsAt) + 4 * 60 * 60_000).toISOString();
      events.push({ type: "ShiftScheduled", data: { shiftId: `shift-${index}`, pharmacistId: `pharmacist-${index % 7}`, startsAt, endsAt } });
      if (index % 5 === 4) events.push({ type: "ShiftCancelled", data: { shiftId: `shift-${index}` } });
    }
    const shifts = shiftsOf(fold(rosterDecider, events));
    expect(shifts).toHaveLength(4_000);
    expect(shifts[0]?.shiftId).toBe("shift-0");
    expect(shifts.some((candidate) => candidate.shiftId === "shift-4")).toBe(false);
  });

  it("PHA-06: a shift cancelled and scheduled again under its id is on the roster once", () => {
    const state = fold(rosterDecider, [scheduled, { type: "ShiftCancelled", data: { shiftId: shift.shiftId } }, scheduled, scheduledLater] satisfies RosterEvent[]);
    expect(shiftsOf(state)).toEqual([shift, later]);
  });
});
