import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A TEST FIXTURE for WORKING_DAY_CALENDAR_FILE: the years after the built-in CN calendar with weekends as the only
 * rest days — not a State Council notice (no public holidays, no adjusted working days). End-to-end tests that count
 * REP-02/REP-05 deadlines from the real clock load it so they keep passing in late December, when 7 working days
 * reach into a year the release does not know; the real years are loaded by operators (reporting README).
 */
export function writeWeekendOnlyCalendarFile(folder: string, years: readonly number[]): string {
  const file = join(folder, "test-working-day-calendar.json");
  const calendars = years.map((year) => ({
    id: `test-weekends-only-${year}`,
    covers: { from: `${year}-01-01`, to: `${year}-12-31` },
    holidays: [],
    adjustedWorkingDays: [],
    source: "test fixture: weekends only, no public holidays (not a State Council notice)",
  }));
  writeFileSync(file, JSON.stringify(calendars));
  return file;
}
