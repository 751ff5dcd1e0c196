import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ageParts, beijingClock, beijingDay, daysBetween, isIsoDate, isRecordDate } from "@ihp/jurisdiction";
import { addDays, isoDateArb } from "./support/dates.js";

// The services each carried a copy of these helpers (UTC+8 offset arithmetic on Date); they now all call these, so
// the copies' results are the oracle: the move must not change a single answer.
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const copiedBeijingDay = (at: Date): string => new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
const instantArb = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2150, 0, 1) }).map((ms) => new Date(ms));

describe("RX-06, XC-08: Beijing civil day and clock of an instant, one place for every service", () => {
  it("RX-06: an instant belongs to the Beijing day, which starts at 16:00 UTC the day before", () => {
    expect(beijingDay(new Date("2026-03-01T15:59:59.999Z"))).toBe("2026-03-01");
    expect(beijingDay(new Date("2026-03-01T16:00:00Z"))).toBe("2026-03-02");
    expect(beijingDay(new Date("2026-03-01T23:30:00+08:00"))).toBe("2026-03-01");
  });

  it("XC-08: agrees with the offset arithmetic the services used to copy", () => {
    fc.assert(fc.property(instantArb, (at) => beijingDay(at) === copiedBeijingDay(at)));
  });

  it("PHA-04: minute of the Beijing day and ISO weekday (Monday 1 … Sunday 7)", () => {
    // 2026-03-01 is a Sunday.
    expect(beijingClock(new Date("2026-03-01T15:59:00Z"))).toEqual({ minuteOfDay: 23 * 60 + 59, weekday: 7 });
    expect(beijingClock(new Date("2026-03-01T16:00:00Z"))).toEqual({ minuteOfDay: 0, weekday: 1 });
    fc.assert(
      fc.property(instantArb, (at) => {
        const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
        const { minuteOfDay, weekday } = beijingClock(at);
        return minuteOfDay === local.getUTCHours() * 60 + local.getUTCMinutes() && weekday === (local.getUTCDay() || 7);
      }),
    );
  });
});

describe("RX-09: calendar dates and age in months and days", () => {
  it("RX-09: only real dates, optionally from a first year", () => {
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2026-13-01")).toBe(false);
    expect(isIsoDate("2026-1-01")).toBe(false);
    expect(isIsoDate("1899-12-31", 1900)).toBe(false);
    expect(isIsoDate("1900-01-01", 1900)).toBe(true);
  });

  it("RX-06: days between two dates, positive when the second is later", () => {
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
    expect(daysBetween("2028-03-01", "2028-02-28")).toBe(-2);
    fc.assert(fc.property(isoDateArb, fc.integer({ min: -800, max: 800 }), (d, n) => daysBetween(d, addDays(d, n)) === n));
  });

  it("RX-09: months complete on the corresponding day, or on the month's last day when it has none", () => {
    expect(ageParts("2026-01-31", "2026-02-27")).toEqual({ years: 0, months: 0, days: 27 });
    expect(ageParts("2026-01-31", "2026-02-28")).toEqual({ years: 0, months: 1, days: 0 });
    expect(ageParts("2026-01-31", "2026-03-30")).toEqual({ years: 0, months: 1, days: 30 });
    expect(ageParts("2026-01-31", "2026-03-31")).toEqual({ years: 0, months: 2, days: 0 });
    expect(ageParts("2024-02-29", "2026-02-28")).toEqual({ years: 2, months: 0, days: 0 });
    expect(ageParts("2020-05-10", "2026-05-09")).toEqual({ years: 5, months: 11, days: 29 });
  });

  it("RX-09: the anniversary reached plus the leftover days gives back the day", () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: 0, max: 20 * 366 }), (birth, n) => {
        const on = addDays(birth, n);
        const { years, months, days } = ageParts(birth, on);
        return months >= 0 && months < 12 && days >= 0 && days < 31 && years >= 0 && daysBetween(birth, on) >= days;
      }),
    );
  });
});

describe("IDN-10, IDN-04, CON-03: dates a record can carry", () => {
  it("IDN-10: real dates from 1900 on", () => {
    expect(isRecordDate("1900-01-01")).toBe(true);
    expect(isRecordDate("1899-12-31")).toBe(false);
    expect(isRecordDate("0202-03-01")).toBe(false);
    expect(isRecordDate("2000-02-29")).toBe(true);
    expect(isRecordDate("1900-02-29")).toBe(false);
    expect(isRecordDate("2026-04-31")).toBe(false);
    expect(isRecordDate(" 2026-04-01")).toBe(false);
  });
});
