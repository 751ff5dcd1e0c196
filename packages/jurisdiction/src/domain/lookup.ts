import type { DateInput } from "./calendarDate.js";
import { PROFILE_DATA } from "./profiles/profileData.js";
import { createProfileRegistry } from "./registry.js";
import type { JurisdictionCode, JurisdictionProfile } from "./types.js";

// Immutable published data resolved once; the registry holds no mutable state.
const shipped = createProfileRegistry(PROFILE_DATA);

/** The shipped profile in effect at `at` (XC-08). Throws NO_PROFILE_IN_EFFECT before the first version. */
export function profileAt(jurisdiction: JurisdictionCode, at: DateInput): JurisdictionProfile {
  return shipped.profileAt(jurisdiction, at);
}

/** Exactly the shipped version a past decision recorded (XC-08). Throws UNKNOWN_PROFILE_VERSION. */
export function profileByVersion(version: string): JurisdictionProfile {
  return shipped.profileByVersion(version);
}

export function listProfiles(): readonly JurisdictionProfile[] {
  return shipped.listProfiles();
}
