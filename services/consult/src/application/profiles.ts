import { JURISDICTIONS, type JurisdictionCode, JurisdictionError, type JurisdictionProfile, profileAt } from "@ihp/jurisdiction";
import { refusal } from "../domain/errors.js";

/** The jurisdiction code identity reported; identity validates it on registration, so anything else is a fault. */
export function jurisdictionCode(raw: string): JurisdictionCode {
  const code = JURISDICTIONS.find((candidate) => candidate === raw);
  if (code === undefined) throw new Error(`identity reported an unknown jurisdiction ${JSON.stringify(raw)}`);
  return code;
}

/** XC-08: the profile in effect now; its version is recorded on the events the decision appends. */
export function profileFor(jurisdiction: JurisdictionCode, now: Date): JurisdictionProfile {
  try {
    return profileAt(jurisdiction, now);
  } catch (error) {
    if (error instanceof JurisdictionError && error.code === "NO_PROFILE_IN_EFFECT") throw refusal("NO_PROFILE_IN_EFFECT");
    throw error;
  }
}
