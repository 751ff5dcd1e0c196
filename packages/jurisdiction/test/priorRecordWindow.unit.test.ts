import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { createProfileRegistry, isWithinPriorRecordWindow, PROFILE_DATA, priorRecordWindowStart, profileAt } from "@ihp/jurisdiction";
import { addDays, isoDateArb } from "./support/dates.js";
import { expectJurisdictionError } from "./support/expectError.js";

const guangxi = profileAt("guangxi", "2026-06-01");
const national = profileAt("national", "2026-06-01");

describe("CON-04: Guangxi one-calendar-month window", () => {
  it.each([
    // [request, earliest accepted record]
    ["2026-03-15", "2026-02-15"],
    ["2026-01-10", "2025-12-10"], // across the year
    ["2026-03-31", "2026-02-28"], // no Feb 31: month end (Civil Code art. 202)
    ["2026-03-29", "2026-02-28"], // no Feb 29 in 2026
    ["2028-03-31", "2028-02-29"], // leap year
    ["2028-03-29", "2028-02-29"],
    ["2026-05-31", "2026-04-30"],
    ["2026-02-28", "2026-01-28"], // a corresponding day exists: not moved to Jan 31
    ["2026-07-31", "2026-06-30"],
  ])("CON-04: request %s accepts a record of %s and refuses the day before", (request, start) => {
    expect(priorRecordWindowStart(guangxi, request)).toBe(start);
    expect(isWithinPriorRecordWindow(guangxi, start, request)).toBe(true);
    expect(isWithinPriorRecordWindow(guangxi, addDays(start, -1), request)).toBe(false);
    expect(isWithinPriorRecordWindow(guangxi, request, request)).toBe(true);
  });

  it("CON-04: a record dated before the same calendar day of the previous month is too old", () => {
    expect(isWithinPriorRecordWindow(guangxi, "2026-02-14", "2026-03-15")).toBe(false);
    expect(isWithinPriorRecordWindow(guangxi, "2025-09-01", "2026-03-15")).toBe(false);
  });

  it("CON-04: dates are Beijing civil days, also when given as instants", () => {
    // 2026-03-14T16:30Z is 2026-03-15 00:30 in Beijing.
    expect(isWithinPriorRecordWindow(guangxi, "2026-02-15", new Date("2026-03-14T16:30:00Z"))).toBe(true);
    expect(isWithinPriorRecordWindow(guangxi, "2026-02-14T16:00:00Z", "2026-03-15")).toBe(true); // = Feb 15 Beijing
    expect(isWithinPriorRecordWindow(guangxi, "2026-02-14T15:59:59Z", "2026-03-15")).toBe(false);
  });

  it("CON-04: a record dated after the request is refused as DATES_OUT_OF_ORDER", () => {
    expectJurisdictionError(() => isWithinPriorRecordWindow(guangxi, "2026-03-16", "2026-03-15"), "DATES_OUT_OF_ORDER");
    expectJurisdictionError(() => isWithinPriorRecordWindow(national, "2026-03-16", "2026-03-15"), "DATES_OUT_OF_ORDER");
  });
});

describe("CON-04: other profiles", () => {
  it("CON-04: national accepts a record of any age", () => {
    expect(priorRecordWindowStart(national, "2026-03-15")).toBeNull();
    expect(isWithinPriorRecordWindow(national, "1990-01-01", "2026-03-15")).toBe(true);
    for (const j of ["tianjin", "chongqing", "yinchuan"] as const) {
      expect(isWithinPriorRecordWindow(profileAt(j, "2026-06-01"), "2020-01-01", "2026-03-15")).toBe(true);
    }
  });

  it("CON-04: a window of 30 days counts days, not months", () => {
    const registry = createProfileRegistry({
      ...PROFILE_DATA,
      regional: {
        ...PROFILE_DATA.regional,
        guangxi: [{ effectiveFrom: "2026-01-01", overrides: { priorRecordWindow: { kind: "days", days: 30 } } }],
      },
    });
    const days30 = registry.profileAt("guangxi", "2026-06-01");
    expect(priorRecordWindowStart(days30, "2026-03-31")).toBe("2026-03-01");
    expect(isWithinPriorRecordWindow(days30, "2026-02-28", "2026-03-31")).toBe(false);
  });
});

describe("CON-04: month arithmetic properties (Civil Code arts. 201–202)", () => {
  const start = (request: string): string => priorRecordWindowStart(guangxi, request)!;

  it("CON-04: the window start is never after the request, and 28 to 31 days before it", () => {
    fc.assert(
      fc.property(isoDateArb, (request) => {
        const s = start(request);
        expect(s <= request).toBe(true);
        expect(s >= addDays(request, -31)).toBe(true);
        expect(s <= addDays(request, -28)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("CON-04: the window start is monotonic in the request date", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: 0, max: 400 }), (request, later) => {
        expect(start(request) <= start(addDays(request, later))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("CON-04: the start is the corresponding day of the previous month, or its last day", () => {
    fc.assert(
      fc.property(isoDateArb, (request) => {
        const [y, m, d] = request.split("-").map(Number) as [number, number, number];
        const prevYear = m === 1 ? y - 1 : y;
        const prevMonth = m === 1 ? 12 : m - 1;
        const lastDay = new Date(Date.UTC(prevYear, prevMonth, 0)).getUTCDate();
        const expected = `${String(prevYear).padStart(4, "0")}-${String(prevMonth).padStart(2, "0")}-${String(Math.min(d, lastDay)).padStart(2, "0")}`;
        expect(start(request)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("CON-04: a record is within the window exactly when it is on or after the start", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: 0, max: 62 }), (request, age) => {
        const record = addDays(request, -age);
        expect(isWithinPriorRecordWindow(guangxi, record, request)).toBe(record >= start(request));
      }),
      { numRuns: 2000 },
    );
  });
});
