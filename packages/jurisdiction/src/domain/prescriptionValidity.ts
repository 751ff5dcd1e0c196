import { type DateInput, type IsoDate, toEpochDay, toIsoDate } from "./calendarDate.js";
import { JurisdictionError } from "./errors.js";
import type { JurisdictionProfile } from "./types.js";

/**
 * RX-06: the last day a prescription issued on `issuedOn` may be dispensed, for a validity of `validityDays`
 * (default: the profile's, i.e. the day of issue only). The day of issue is day 1, so 3 days from Jan 1 run through
 * Jan 3. A validity over the maximum is refused with INVALID_ARGUMENT; the prescription service checks
 * `settings.rxValidity.maxDays` first to refuse signing with its own code.
 */
export function prescriptionLastValidDay(
  profile: JurisdictionProfile,
  issuedOn: DateInput,
  validityDays?: number,
): IsoDate {
  const { defaultDays, maxDays, issueDayCounts } = profile.settings.rxValidity;
  const days = validityDays ?? defaultDays;
  if (!Number.isSafeInteger(days) || days < 1 || days > maxDays) {
    throw new JurisdictionError("INVALID_ARGUMENT", `validity must be 1 to ${maxDays} days`, "RX-06");
  }
  return toIsoDate(toEpochDay(issuedOn, "issuedOn") + (issueDayCounts ? days - 1 : days));
}
