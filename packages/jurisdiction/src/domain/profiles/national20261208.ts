import type { JurisdictionSettings } from "../types.js";
import { NATIONAL_2026_01_01 } from "./national.js";

/**
 * National version 2 (issue 15): IDN-03 re-authentication "实名" before receiving each patient must prove the person
 * (Supervision Rules art. 13; Tianjin supervision measures art. 14), which a password anyone could be told does not:
 * a passkey with user verification (biometric or PIN on the clinician's own device) or a face match (IDN-02: face
 * recognition must be supported). Passwords stay the login factor. Published: never edit.
 */
export const NATIONAL_2026_12_08: JurisdictionSettings = {
  ...NATIONAL_2026_01_01,
  stepUpFactors: ["webauthn-uv", "face-match"],
};
