import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { addCalendarYears, completedYears, createProfileRegistry, PROFILE_DATA, profileAt, requiresGuardian } from "@ihp/jurisdiction";
import { addDays, isoDateArb } from "./support/dates.js";
import { expectJurisdictionError } from "./support/expectError.js";

const national = profileAt("national", "2026-06-01");

describe("RX-05: guardian for children '6岁以下' (6 inclusive, Civil Code art. 1259)", () => {
  const dob = "2019-03-10";

  it.each([
    ["2019-03-10", true], // newborn
    ["2025-03-10", true], // 6th birthday
    ["2026-02-10", true], // 6 y 11 m
    ["2026-03-09", true], // the day before the 7th birthday
    ["2026-03-10", true], // the 7th birthday: 7 years complete at its end (art. 201; SPC 法释〔2006〕1号 art. 2)
    ["2026-03-11", false], // 7 y 0 m 1 d
    ["2026-04-10", false], // 7 y 1 m
    ["2040-01-01", false],
  ])("RX-05: born 2019-03-10, on %s → guardian required: %s", (on, expected) => {
    expect(requiresGuardian(national, dob, on)).toBe(expected);
  });

  it("RX-05: applies identically in every jurisdiction", () => {
    for (const j of ["tianjin", "guangxi", "chongqing", "yinchuan"] as const) {
      const p = profileAt(j, "2026-06-01");
      expect([requiresGuardian(p, dob, "2026-02-10"), requiresGuardian(p, dob, "2026-03-11")]).toEqual([true, false]);
    }
  });

  it("RX-05: a Feb 29 birth completes 7 years after Feb 28 in a common year (art. 202 month end)", () => {
    expect(requiresGuardian(national, "2020-02-29", "2027-02-28")).toBe(true);
    expect(requiresGuardian(national, "2020-02-29", "2027-03-01")).toBe(false);
    expect(completedYears("2020-02-29", "2027-03-01", "onAnniversary")).toBe(7);
    expect(completedYears("2020-02-29", "2027-02-28", "onAnniversary")).toBe(7);
    expect(completedYears("2020-02-29", "2027-02-27", "onAnniversary")).toBe(6);
    // In a leap year the anniversary is Feb 29 itself.
    expect(requiresGuardian(national, "2020-02-29", "2028-02-29")).toBe(false); // already 7 since 2027-03-01
    expect(completedYears("2020-02-29", "2028-02-29", "dayAfterAnniversary")).toBe(7);
    expect(completedYears("2020-02-29", "2028-03-01", "dayAfterAnniversary")).toBe(8);
  });

  it("RX-05: a Dec 31 birth and a Beijing-time instant", () => {
    expect(requiresGuardian(national, "2018-12-31", "2025-12-31")).toBe(true);
    expect(requiresGuardian(national, "2018-12-31", "2026-01-01")).toBe(false);
    // 2026-01-01T15:59Z is still 2026-01-01 in Beijing; 16:00Z is 2026-01-02.
    expect(requiresGuardian(national, "2019-01-01", new Date("2026-01-01T15:59:00Z"))).toBe(true);
    expect(requiresGuardian(national, "2019-01-01", new Date("2026-01-01T16:00:00Z"))).toBe(false);
  });

  it("RX-05: '<6' on written regulator guidance needs only a new version with inclusive=false", () => {
    const registry = createProfileRegistry({
      ...PROFILE_DATA,
      regional: {
        ...PROFILE_DATA.regional,
        tianjin: [
          { effectiveFrom: "2026-01-01", overrides: { paediatricGuardianAgeLimit: { inclusive: false } } },
        ],
      },
    });
    const strict = registry.profileAt("tianjin", "2026-06-01");
    expect(requiresGuardian(strict, "2019-03-10", "2025-03-10")).toBe(true);
    expect(requiresGuardian(strict, "2019-03-10", "2025-03-11")).toBe(false);
  });

  it("RX-05: a date of birth after the prescription date is refused", () => {
    expectJurisdictionError(() => requiresGuardian(national, "2026-03-11", "2026-03-10"), "DATES_OUT_OF_ORDER");
    expectJurisdictionError(() => requiresGuardian(national, "2026-02-29", "2026-03-10"), "INVALID_DATE");
  });
});

describe("RX-05, IDN-04: completed years (周岁) properties", () => {
  it("RX-05: once not required, never required again", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 400 }), (dob, a, b) => {
        const on = addDays(dob, a);
        if (!requiresGuardian(national, dob, on)) expect(requiresGuardian(national, dob, addDays(on, b))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("RX-05: required on the 7th birthday (art. 202 anniversary), not on the day after", () => {
    fc.assert(
      fc.property(isoDateArb, (dob) => {
        const seventh = addCalendarYears(dob, 7);
        expect(requiresGuardian(national, dob, seventh)).toBe(true);
        expect(requiresGuardian(national, dob, addDays(seventh, 1))).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("RX-05: the onAnniversary count is reached on the anniversary, the default count one day later", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: 0, max: 40_000 }), (from, a) => {
        const on = addDays(from, a);
        expect(completedYears(from, addDays(on, 1), "dayAfterAnniversary")).toBe(completedYears(from, on, "onAnniversary"));
      }),
      { numRuns: 2000 },
    );
  });

  it("IDN-04: 3 years of independent practice are complete the day after the 3rd anniversary", () => {
    expect(completedYears("2023-05-10", "2026-05-10", "dayAfterAnniversary")).toBe(2);
    expect(completedYears("2023-05-10", "2026-05-11", "dayAfterAnniversary")).toBe(3);
  });
});
