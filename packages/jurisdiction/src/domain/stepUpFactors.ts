import type { JurisdictionProfile, StepUpFactor } from "./types.js";

/** What versions without the setting accepted: every factor the platform had (password included). */
const BEFORE_THE_SETTING: readonly StepUpFactor[] = ["password", "webauthn-uv", "face-match"];

/** IDN-03: the factors a profile accepts for real-name re-authentication before receiving a patient. */
export function stepUpFactors(profile: JurisdictionProfile): readonly StepUpFactor[] {
  return profile.settings.stepUpFactors ?? BEFORE_THE_SETTING;
}
