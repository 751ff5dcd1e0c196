import { JurisdictionError } from "./errors.js";

/**
 * A civil date in China, "YYYY-MM-DD". Every rule here counts calendar days in Beijing time (UTC+8, the legal
 * standard time everywhere in the five jurisdictions; no daylight saving since 1991).
 */
export type IsoDate = string;

/** A civil date ("YYYY-MM-DD"), an ISO timestamp with an explicit offset, or a Date instant. */
export type DateInput = Date | string;

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const MS_PER_DAY = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An offset is required: a bare local timestamp would be read in the host's time zone, which is not pure.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
export function epochDay({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilDate(epochDayNumber: number): CivilDate {
  const z = epochDayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Parses "YYYY-MM-DD", rejecting impossible dates such as 2026-02-29. */
export function parseIsoDate(text: string): CivilDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** The instant (ms since epoch). A civil date means 00:00 Beijing time on that day. */
export function toInstant(input: DateInput, what: string): number {
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) throw invalid(what);
    return ms;
  }
  const civil = parseIsoDate(input);
  if (civil) return epochDay(civil) * MS_PER_DAY - BEIJING_OFFSET_MS;
  if (ISO_TIMESTAMP.test(input)) {
    const ms = Date.parse(input);
    if (!Number.isNaN(ms)) return ms;
  }
  throw invalid(what);
}

/** The Beijing civil day (as an epoch day number) that `input` names or falls on. */
export function toEpochDay(input: DateInput, what: string): number {
  if (typeof input === "string") {
    const civil = parseIsoDate(input);
    if (civil) return epochDay(civil);
  }
  return Math.floor((toInstant(input, what) + BEIJING_OFFSET_MS) / MS_PER_DAY);
}

export function toIsoDate(epochDayNumber: number): IsoDate {
  return formatIsoDate(civilDate(epochDayNumber));
}

/**
 * Moves a date by whole calendar months, forward or back, per Civil Code art. 202: the period ends on the
 * corresponding day of the target month, or on that month's last day when it has none (Mar 31 − 1 month = Feb 28,
 * or Feb 29 in a leap year). The NPC commentary on arts. 200–204 applies the same method to periods counted
 * backwards (逆算可类推适用顺算的计算方法).
 */
export function addMonthsToDay(epochDayNumber: number, months: number): number {
  const { year, month, day } = civilDate(epochDayNumber);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return epochDay({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

export function addYearsToDay(epochDayNumber: number, years: number): number {
  return addMonthsToDay(epochDayNumber, years * 12);
}

/** `date` moved by whole calendar months (negative: back), Civil Code art. 202. */
export function addCalendarMonths(date: DateInput, months: number): IsoDate {
  return toIsoDate(addMonthsToDay(toEpochDay(date, "date"), wholeNumber(months)));
}

/** `date` moved by whole calendar years; Feb 29 lands on Feb 28 in a common year (art. 202). */
export function addCalendarYears(date: DateInput, years: number): IsoDate {
  return toIsoDate(addYearsToDay(toEpochDay(date, "date"), wholeNumber(years)));
}

function wholeNumber(n: number): number {
  if (!Number.isSafeInteger(n)) throw new JurisdictionError("INVALID_ARGUMENT", "expected a whole number");
  return n;
}

/** The Beijing civil day an instant falls on: the one "today" every service compares dates against. */
export function beijingDay(at: Date): IsoDate {
  return toIsoDate(toEpochDay(at, "at"));
}

/**
 * Minutes since Beijing midnight and ISO weekday (1 = Monday … 7 = Sunday) of an instant, for opening hours and
 * rosters.
 */
export function beijingClock(at: Date): { readonly minuteOfDay: number; readonly weekday: number } {
  const local = toInstant(at, "at") + BEIJING_OFFSET_MS;
  const minuteOfDay = Math.floor((local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY) / 60_000);
  const weekday = dayOfWeek(Math.floor(local / MS_PER_DAY));
  return { minuteOfDay, weekday: weekday === 0 ? 7 : weekday };
}

/** Whether `text` is a real "YYYY-MM-DD" date, optionally no earlier than 1 January of `fromYear`. */
export function isIsoDate(text: string, fromYear = 1): boolean {
  const civil = parseIsoDate(text);
  return civil !== undefined && civil.year >= fromYear;
}

/**
 * A date a record can carry (birth, licence, prior visit): a real "YYYY-MM-DD" from 1900 on, which no living
 * patient's or practitioner's date precedes and which keeps typing slips like "0202-03-01" out.
 */
export function isRecordDate(text: string): boolean {
  return isIsoDate(text, 1900);
}

/** Calendar days from `from` to `to`, both "YYYY-MM-DD" (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to, "to") - toEpochDay(from, "from");
}

/** Day of week, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(epochDayNumber: number): number {
  return (((epochDayNumber + 4) % 7) + 7) % 7;
}

function invalid(what: string): JurisdictionError {
  return new JurisdictionError(
    "INVALID_DATE",
    `${what} must be a valid Date, a "YYYY-MM-DD" date or an ISO timestamp with an explicit offset`,
  );
}
