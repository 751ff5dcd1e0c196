import { readFile } from "node:fs/promises";
import { cnWorkingDays, parseWorkingDayCalendars, type WorkingDayCalendar } from "@ihp/jurisdiction";
import type { Logger } from "@ihp/platform";

/** Warn this long before the last day the calendar knows: deadlines counted past it will be refused. */
const WARN_DAYS = 45;

/**
 * The working-day calendar REP-05 deadlines count in: the built-in years plus those in WORKING_DAY_CALENDAR_FILE (the
 * State Council's yearly notice, entered by the operator when it is published). A bad file stops the start with the
 * fault named. When the calendar ends within 45 days a warning (WORKING_DAY_CALENDAR_ENDING) is logged at start, so
 * the next year is loaded before deadlines reach it.
 */
export async function loadWorkingDayCalendar(file: string | undefined, now: Date, logger: Logger): Promise<WorkingDayCalendar> {
  const calendar = cnWorkingDays(file === undefined ? [] : parseWorkingDayCalendars(JSON.parse(await readFile(file, "utf8")) as unknown));
  const daysLeft = (Date.parse(`${calendar.covers.to}T16:00:00Z`) - now.getTime()) / 86_400_000;
  if (daysLeft < WARN_DAYS) {
    logger.warn(
      { code: "WORKING_DAY_CALENDAR_ENDING", coveredUntil: calendar.covers.to },
      "the working-day calendar ends soon: load the next year's State Council notice (WORKING_DAY_CALENDAR_FILE)",
    );
  }
  return calendar;
}
