import { CN_WORKING_DAYS, JURISDICTIONS, type JurisdictionCode, profileAt, type WorkingDayCalendar } from "@ihp/jurisdiction";
import type { UploadDueOn } from "../../domain/delivery/deliverySummary.js";
import { uploadDueOn } from "../../domain/delivery/uploadDeadline.js";

const isJurisdiction = (code: string): code is JurisdictionCode => (JURISDICTIONS as readonly string[]).includes(code);

/**
 * REP-02 due days: the working days are the profile setting (licenceUploadDeadline) of the entry's jurisdiction in
 * force when the change happened (XC-08; an institution the feed has no registration for: national), counted on the
 * service's working-day calendar (built-in years plus WORKING_DAY_CALENDAR_FILE).
 */
export function uploadDeadlines(calendar: WorkingDayCalendar = CN_WORKING_DAYS): UploadDueOn {
  return (changedAt, jurisdiction) => {
    const profile = profileAt(isJurisdiction(jurisdiction) ? jurisdiction : "national", changedAt);
    return uploadDueOn(changedAt, profile.settings.licenceUploadDeadline.workingDays, calendar);
  };
}
