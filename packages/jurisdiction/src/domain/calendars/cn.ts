import { combineCalendars, type WorkingDayCalendar } from "../workingDays.js";
import { CN_2026 } from "./cn2026.js";

/**
 * The mainland China working-day calendar REP-02 counts in. Add each year when the State Council publishes it
 * (usually in November of the year before); dates outside it fail with CALENDAR_NOT_COVERED.
 */
export const CN_WORKING_DAYS: WorkingDayCalendar = combineCalendars("CN", [CN_2026]);
