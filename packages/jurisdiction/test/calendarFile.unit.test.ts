import { describe, expect, it } from "vitest";
import { addWorkingDays, cnWorkingDays, parseWorkingDayCalendars } from "../src/index.js";

// Test data shaped like a year's notice, NOT the State Council's 2027 schedule (not published when this was written):
// only what the checks need.
const YEAR_2027 = {
  id: "TEST-2027",
  covers: { from: "2027-01-01", to: "2027-12-31" },
  holidays: ["2027-01-01", "2027-01-02", "2027-01-03"],
  adjustedWorkingDays: ["2027-01-09"],
  source: "test data shaped like a yearly notice",
};

describe("REP-02 / REP-05 working days: years an operator loads after the release", () => {
  it("without the next year a count into it fails with CALENDAR_NOT_COVERED; with it the count runs on", () => {
    expect(() => addWorkingDays("2026-12-28", 7, cnWorkingDays())).toThrow(expect.objectContaining({ code: "CALENDAR_NOT_COVERED" }));
    const calendar = cnWorkingDays(parseWorkingDayCalendars([YEAR_2027]));
    // 12-29, 12-30, 12-31 (Tue-Thu), 1-1..1-3 off, 1-4 Mon, 1-5, 1-6, 1-7: the 7th working day.
    expect(addWorkingDays("2026-12-28", 7, calendar)).toBe("2027-01-07");
    expect(calendar.covers).toEqual({ from: "2026-01-01", to: "2027-12-31" });
  });

  it("a year the release already has is not loaded twice", () => {
    const again = { ...YEAR_2027, id: "DUP-2026", covers: { from: "2026-01-01", to: "2026-12-31" }, holidays: [], adjustedWorkingDays: [] };
    expect(cnWorkingDays(parseWorkingDayCalendars([again])).covers).toEqual({ from: "2026-01-01", to: "2026-12-31" });
  });

  it.each([
    ["not an array", { ...YEAR_2027 }, "array"],
    ["a bad date", [{ ...YEAR_2027, holidays: ["2027-02-30"] }], "not a date"],
    ["a date outside covers", [{ ...YEAR_2027, holidays: ["2028-01-01"] }], "outside covers"],
    ["a day both off and on", [{ ...YEAR_2027, adjustedWorkingDays: ["2027-01-02"] }], "both"],
    ["a weekday made a working day", [{ ...YEAR_2027, adjustedWorkingDays: ["2027-01-05"] }], "not a weekend"],
    ["no source", [{ ...YEAR_2027, source: " " }], "source"],
  ])("refuses %s with INVALID_ARGUMENT naming the fault", (_, json, words) => {
    expect(() => parseWorkingDayCalendars(json)).toThrow(words);
    expect(() => parseWorkingDayCalendars(json)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("refuses a loaded year that does not follow on from the release's last one", () => {
    const gap = { ...YEAR_2027, id: "TEST-2028", covers: { from: "2028-01-01", to: "2028-12-31" }, holidays: [], adjustedWorkingDays: [] };
    expect(() => cnWorkingDays(parseWorkingDayCalendars([gap]))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
