import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type BusinessHours, type RosterEvent, reviewCoverage, rosterDecider } from "../src/domain/roster/index.js";

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
});
