import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { addCalendarMonths, addCalendarYears } from "@ihp/jurisdiction";
import { addDays, isoDateArb } from "./support/dates.js";
import { expectJurisdictionError } from "./support/expectError.js";

describe("CON-04, REC-02: Civil Code art. 202 calendar arithmetic", () => {
  it("CON-04: month ends clamp; existing corresponding days do not move", () => {
    expect(addCalendarMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addCalendarMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addCalendarMonths("2026-03-31", -1)).toBe("2026-02-28");
    expect(addCalendarMonths("2026-12-15", 1)).toBe("2027-01-15");
    expect(addCalendarMonths("2026-01-15", -13)).toBe("2024-12-15");
    expect(addCalendarYears("2024-02-29", 1)).toBe("2025-02-28");
    expect(addCalendarYears("2024-02-29", 4)).toBe("2028-02-29");
    expect(addCalendarYears("2000-02-29", 100)).toBe("2100-02-28"); // 2100 is not a leap year
  });

  it("CON-04: property: moving by n months is monotonic and keeps the day unless the month is shorter", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: 0, max: 90 }), fc.integer({ min: -36, max: 36 }), (a, gap, months) => {
        const b = addDays(a, gap);
        expect(addCalendarMonths(a, months) <= addCalendarMonths(b, months)).toBe(true);
        const moved = addCalendarMonths(a, months);
        const day = Number(a.slice(8));
        const movedDay = Number(moved.slice(8));
        expect(movedDay === day || (movedDay < day && addDays(moved, 1).slice(8) === "01")).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("CON-04: property: agrees with JavaScript's UTC calendar on which dates exist", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: -1200, max: 1200 }), (a, months) => {
        const moved = addCalendarMonths(a, months);
        expect(new Date(`${moved}T00:00:00Z`).toISOString().slice(0, 10)).toBe(moved);
      }),
      { numRuns: 2000 },
    );
  });

  it("CON-04: invalid dates and fractional periods are refused", () => {
    expectJurisdictionError(() => addCalendarMonths("2026-02-29", 1), "INVALID_DATE");
    expectJurisdictionError(() => addCalendarMonths("20260101", 1), "INVALID_DATE");
    expectJurisdictionError(() => addCalendarMonths("2026-01-01", 0.5), "INVALID_ARGUMENT");
  });
});
