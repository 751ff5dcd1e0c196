import { addMonthsToDay, addYearsToDay, civilDate, type DateInput, toEpochDay } from "./calendarDate.js";
import { JurisdictionError } from "./errors.js";
import type { AgeCompletion, JurisdictionProfile } from "./types.js";

/**
 * Whole years (周岁) completed between `from` and `on`. The Nth anniversary is `from` + N years per Civil Code
 * art. 202 (a Feb 29 start has its anniversary on Feb 28 in common years); whether that day already counts is
 * `completion`. Also fits experience thresholds (IDN-04, PHA-02).
 */
export function completedYears(from: DateInput, on: DateInput, completion: AgeCompletion): number {
  const start = toEpochDay(from, "from");
  const day = toEpochDay(on, "on");
  if (day < start) throw new JurisdictionError("DATES_OUT_OF_ORDER", "the start date is after the reference date");
  const reached = (years: number): boolean => {
    const anniversary = addYearsToDay(start, years);
    return completion === "onAnniversary" ? day >= anniversary : day > anniversary;
  };
  // The difference of calendar years is reached or is one too many.
  const years = civilDate(day).year - civilDate(start).year;
  return years > 0 && !reached(years) ? years - 1 : years;
}

/**
 * RX-05: whether a prescription for a child born on `dateOfBirth` needs guardian and accompanying-physician
 * attestations on `on`. With the shipped profiles ("6岁以下", inclusive, years complete the day after the birthday):
 * required up to and including the 7th birthday, not from the day after.
 */
export function requiresGuardian(profile: JurisdictionProfile, dateOfBirth: DateInput, on: DateInput): boolean {
  const limit = profile.settings.paediatricGuardianAgeLimit;
  const age = completedYears(dateOfBirth, on, limit.ageCompletes);
  return limit.inclusive ? age <= limit.years : age < limit.years;
}

/**
 * Age as whole years, months and days on `on` (RX-09 wants months and days for infants). A month is complete on the
 * same day of a later month; a birth day that month lacks (the 31st) completes on its last day (art. 202).
 */
export function ageParts(birthDate: DateInput, on: DateInput): { years: number; months: number; days: number } {
  const start = toEpochDay(birthDate, "birthDate");
  const day = toEpochDay(on, "on");
  const from = civilDate(start);
  const to = civilDate(day);
  let months = Math.max(0, (to.year - from.year) * 12 + (to.month - from.month));
  if (months > 0 && addMonthsToDay(start, months) > day) months -= 1;
  return { years: Math.floor(months / 12), months: months % 12, days: day - addMonthsToDay(start, months) };
}
