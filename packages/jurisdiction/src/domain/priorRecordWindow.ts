import { addMonthsToDay, type DateInput, type IsoDate, toEpochDay, toIsoDate } from "./calendarDate.js";
import { JurisdictionError } from "./errors.js";
import type { JurisdictionProfile } from "./types.js";

/**
 * CON-04: the earliest date a prior physical-institution record may carry for a request on `requestDate`, or null
 * when the profile sets no window. For one calendar month (Guangxi art. 28) it is the corresponding day of the
 * previous month, or that month's last day when there is none (Civil Code art. 202): Mar 15 → Feb 15, Mar 31 →
 * Feb 28 (Feb 29 in a leap year).
 */
export function priorRecordWindowStart(profile: JurisdictionProfile, requestDate: DateInput): IsoDate | null {
  const window = profile.settings.priorRecordWindow;
  const request = toEpochDay(requestDate, "requestDate");
  switch (window.kind) {
    case "none":
      return null;
    case "calendarMonths":
      return toIsoDate(addMonthsToDay(request, -window.months));
    case "days":
      return toIsoDate(request - window.days);
  }
}

/**
 * CON-04: whether a record dated `recordDate` is recent enough for a request on `requestDate` (both Beijing civil
 * days). A record dated before the window start is too old (the service refuses with PRIOR_RECORD_TOO_OLD). A record
 * dated after the request is not a prior record at all: DATES_OUT_OF_ORDER.
 */
export function isWithinPriorRecordWindow(
  profile: JurisdictionProfile,
  recordDate: DateInput,
  requestDate: DateInput,
): boolean {
  const record = toEpochDay(recordDate, "recordDate");
  const request = toEpochDay(requestDate, "requestDate");
  if (record > request) {
    throw new JurisdictionError("DATES_OUT_OF_ORDER", "the prior record is dated after the request", "CON-04");
  }
  const start = priorRecordWindowStart(profile, requestDate);
  return start === null || record >= toEpochDay(start, "windowStart");
}
