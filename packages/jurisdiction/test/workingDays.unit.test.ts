import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  addWorkingDays,
  CN_2026,
  CN_WORKING_DAYS,
  combineCalendars,
  isWorkingDay,
  profileAt,
  type WorkingDayCalendar,
} from "@ihp/jurisdiction";
import { addDays } from "./support/dates.js";
import { expectJurisdictionError } from "./support/expectError.js";

const deadline = (issued: string): string =>
  addWorkingDays(issued, profileAt("tianjin", issued).settings.licenceUploadDeadline.workingDays, CN_WORKING_DAYS);

describe("REP-02: licence upload within 7 working days (CN 2026 calendar)", () => {
  it.each([
    // [issued or changed on, last day the upload is on time]
    ["2026-03-02", "2026-03-11"], // Monday: plain week, no holiday
    ["2026-03-06", "2026-03-17"], // Friday: two weekends
    ["2026-03-07", "2026-03-17"], // Saturday: the count starts on Monday
    ["2026-02-12", "2026-02-28"], // Spring Festival Feb 15–23; Sat Feb 14 and Sat Feb 28 are working days
    ["2026-04-30", "2026-05-13"], // Labour Day May 1–5; Sat May 9 is a working day
    ["2026-09-18", "2026-09-29"], // Sun Sep 20 is a working day; Mid-Autumn Sep 25–27
    ["2026-09-28", "2026-10-13"], // National Day Oct 1–7; Sat Oct 10 is a working day
    ["2026-12-31", undefined], // runs into 2027, which the calendar does not cover yet
  ])("REP-02: issued %s → due %s", (issued, due) => {
    if (due === undefined) expectJurisdictionError(() => deadline(issued), "CALENDAR_NOT_COVERED");
    else expect(deadline(issued)).toBe(due);
  });

  it("REP-02: adjusted working days and holidays", () => {
    expect(isWorkingDay("2026-01-04", CN_2026)).toBe(true); // Sunday, worked
    expect(isWorkingDay("2026-01-02", CN_2026)).toBe(false); // Friday, New Year
    expect(isWorkingDay("2026-10-10", CN_2026)).toBe(true); // Saturday, worked
    expect(isWorkingDay("2026-10-11", CN_2026)).toBe(false); // Sunday
    expect(isWorkingDay("2026-06-18", CN_2026)).toBe(true); // Thursday before Dragon Boat
    expect(isWorkingDay("2026-06-19", CN_2026)).toBe(false);
  });

  it("REP-02: the 2026 data matches the notice: 3+9+3+5+3+3+7 holiday days, 6 adjusted days, no overlaps", () => {
    expect(CN_2026.holidays).toHaveLength(33);
    expect(CN_2026.adjustedWorkingDays).toHaveLength(6);
    expect(new Set(CN_2026.holidays).size).toBe(33);
    for (const d of [...CN_2026.holidays, ...CN_2026.adjustedWorkingDays]) expect(d.startsWith("2026-")).toBe(true);
    expect(CN_2026.holidays.filter((d) => CN_2026.adjustedWorkingDays.includes(d))).toEqual([]);
    // Every adjusted working day is a weekend day (otherwise it would be a working day anyway).
    for (const d of CN_2026.adjustedWorkingDays) expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
  });

  it("REP-02: n = 0 is the day itself; a negative or fractional n is refused", () => {
    expect(addWorkingDays("2026-02-15", 0, CN_WORKING_DAYS)).toBe("2026-02-15");
    expectJurisdictionError(() => addWorkingDays("2026-03-02", -1, CN_WORKING_DAYS), "INVALID_ARGUMENT");
    expectJurisdictionError(() => addWorkingDays("2026-03-02", 1.5, CN_WORKING_DAYS), "INVALID_ARGUMENT");
  });

  it("REP-02: a calendar outside its coverage refuses rather than guessing", () => {
    expectJurisdictionError(() => isWorkingDay("2025-12-31", CN_WORKING_DAYS), "CALENDAR_NOT_COVERED");
    expectJurisdictionError(() => addWorkingDays("2026-12-24", 7, CN_WORKING_DAYS), "CALENDAR_NOT_COVERED");
  });

  it("REP-02: calendars combine year by year; gaps are refused", () => {
    const y2027: WorkingDayCalendar = {
      id: "TEST-2027",
      covers: { from: "2027-01-01", to: "2027-12-31" },
      holidays: ["2027-01-01"],
      adjustedWorkingDays: [],
      source: "test data, not the State Council notice",
    };
    const both = combineCalendars("CN", [CN_2026, y2027]);
    expect(addWorkingDays("2026-12-31", 1, both)).toBe("2027-01-04"); // Fri Jan 1 holiday, then the weekend
    expectJurisdictionError(
      () => combineCalendars("CN", [CN_2026, { ...y2027, covers: { from: "2027-01-02", to: "2027-12-31" } }]),
      "INVALID_ARGUMENT",
    );
  });

  it("REP-02: property: the result is a working day with exactly n working days after the start", () => {
    const dayArb = fc.integer({ min: 0, max: 300 }).map((i) => addDays("2026-01-01", i));
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 30 }), (start, n) => {
        let due: string;
        try {
          due = addWorkingDays(start, n, CN_2026);
        } catch {
          return; // ran past 2026-12-31
        }
        let count = 0;
        for (let d = addDays(start, 1); d <= due; d = addDays(d, 1)) if (isWorkingDay(d, CN_2026)) count++;
        expect(count).toBe(n);
        if (n > 0) expect(isWorkingDay(due, CN_2026)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
