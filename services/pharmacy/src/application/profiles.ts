import { JURISDICTIONS, JurisdictionError, type JurisdictionProfile, profileAt } from "@ihp/jurisdiction";
import { refusal } from "../domain/errors.js";
import type { ReviewerPolicy } from "../domain/types.js";

/** XC-08: the profile in effect for a prescription's jurisdiction; undefined for a jurisdiction without one. */
export function profileFor(jurisdiction: string, now: Date): JurisdictionProfile | undefined {
  const code = JURISDICTIONS.find((candidate) => candidate === jurisdiction);
  if (code === undefined) return undefined;
  try {
    return profileAt(code, now);
  } catch (error) {
    if (error instanceof JurisdictionError && error.code === "NO_PROFILE_IN_EFFECT") throw refusal("NO_PROFILE_IN_EFFECT");
    throw error;
  }
}

/** PHA-02 as the jurisdiction sets it: minimum dispensing years and allowed affiliations (upper case). */
export function reviewerPolicy(jurisdiction: string, now: Date): { readonly policy: ReviewerPolicy; readonly version: string } {
  const profile = profileFor(jurisdiction, now);
  if (profile === undefined) throw refusal("UNKNOWN_JURISDICTION");
  const { pharmacistMinYears, reviewerAffiliations } = profile.settings;
  return {
    policy: { minDispensingYears: pharmacistMinYears, affiliations: reviewerAffiliations.map((a) => a.toUpperCase()) },
    version: profile.version,
  };
}
