import { JURISDICTIONS, JurisdictionError, profileAt } from "@ihp/jurisdiction";
import { refusal } from "../domain/errors.js";

/**
 * XC-08: the jurisdiction profile version in effect now, recorded on the events a command appends. Undefined for a
 * jurisdiction the platform does not know: the decider refuses those with UNKNOWN_JURISDICTION.
 */
export function profileVersionAt(jurisdiction: string | undefined, now: Date): string | undefined {
  const code = JURISDICTIONS.find((candidate) => candidate === jurisdiction);
  if (code === undefined) return undefined;
  try {
    return profileAt(code, now).version;
  } catch (error) {
    if (error instanceof JurisdictionError && error.code === "NO_PROFILE_IN_EFFECT") {
      throw refusal("NO_PROFILE_IN_EFFECT");
    }
    throw error;
  }
}
