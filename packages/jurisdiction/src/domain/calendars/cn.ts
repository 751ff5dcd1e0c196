import { dayOfWeek, parseIsoDate, toEpochDay } from "../calendarDate.js";
import { JurisdictionError } from "../errors.js";
import { combineCalendars, type WorkingDayCalendar } from "../workingDays.js";
import { CN_2026 } from "./cn2026.js";

/**
 * The mainland China working-day calendar REP-02 counts in. Add each year when the State Council publishes it
 * (usually in November of the year before); dates outside it fail with CALENDAR_NOT_COVERED.
 */
export const CN_WORKING_DAYS: WorkingDayCalendar = combineCalendars("CN", [CN_2026]);

/**
 * The built-in calendar extended by years an operator loads from the State Council's notice after this release (a
 * service's WORKING_DAY_CALENDAR_FILE): the schedule is published each November, and a deadline counted into a year
 * nobody loaded must fail (CALENDAR_NOT_COVERED), never guess. Years must follow on from the built-in ones.
 */
export function cnWorkingDays(extra: readonly WorkingDayCalendar[] = []): WorkingDayCalendar {
  const known = new Set([CN_2026.covers.from]);
  const added = [...extra].filter((year) => !known.has(year.covers.from)).sort((a, b) => a.covers.from.localeCompare(b.covers.from));
  return added.length === 0 ? CN_WORKING_DAYS : combineCalendars("CN", [CN_2026, ...added]);
}

/**
 * Reads calendars given as data (JSON: an array of { id, covers: { from, to }, holidays, adjustedWorkingDays, source }),
 * checked: real dates inside `covers`, no day both a holiday and a working day, adjusted working days on weekends
 * only (调休上班 moves a weekend day), a source naming the notice. INVALID_ARGUMENT names the first fault.
 */
export function parseWorkingDayCalendars(json: unknown): WorkingDayCalendar[] {
  if (!Array.isArray(json)) throw invalid("the calendar file must hold an array of calendars");
  return json.map((entry: unknown, index) => parseOne(entry, `calendar ${index}`));
}

function parseOne(entry: unknown, where: string): WorkingDayCalendar {
  if (typeof entry !== "object" || entry === null) throw invalid(`${where} is not an object`);
  const { id, covers, holidays, adjustedWorkingDays, source } = entry as Record<string, unknown>;
  if (typeof id !== "string" || id === "") throw invalid(`${where}: id missing`);
  if (typeof source !== "string" || source.trim() === "") throw invalid(`${id}: source (the notice it copies) missing`);
  const { from, to } = (covers ?? {}) as Record<string, unknown>;
  const start = day(from, `${id}: covers.from`);
  const end = day(to, `${id}: covers.to`);
  if (end < start) throw invalid(`${id}: covers.to is before covers.from`);
  const dates = (list: unknown, what: string): string[] => {
    if (!Array.isArray(list)) throw invalid(`${id}: ${what} must be an array of dates`);
    return list.map((value: unknown) => {
      const at = day(value, `${id}: ${what}`);
      if (at < start || at > end) throw invalid(`${id}: ${what} ${String(value)} lies outside covers`);
      return value as string;
    });
  };
  const off = dates(holidays, "holidays");
  const on = dates(adjustedWorkingDays, "adjustedWorkingDays");
  const both = on.find((date) => off.includes(date));
  if (both !== undefined) throw invalid(`${id}: ${both} is both a holiday and an adjusted working day`);
  const weekday = on.find((date) => ![0, 6].includes(dayOfWeek(toEpochDay(date, "date"))));
  if (weekday !== undefined) throw invalid(`${id}: adjusted working day ${weekday} is not a weekend day`);
  return { id, covers: { from: from as string, to: to as string }, holidays: off, adjustedWorkingDays: on, source };
}

function day(value: unknown, what: string): number {
  if (typeof value !== "string" || parseIsoDate(value) === undefined) throw invalid(`${what} is not a date (YYYY-MM-DD)`);
  return toEpochDay(value, what);
}

function invalid(message: string): JurisdictionError {
  return new JurisdictionError("INVALID_ARGUMENT", message);
}
