import type { StepUpFactor } from "@ihp/jurisdiction";
import { refusal } from "../errors.js";
import type { StepUpMethod } from "./types.js";

const FACTORS: { readonly [M in StepUpMethod]: StepUpFactor } = {
  PASSWORD: "password",
  FACE_MATCH: "face-match",
  // Every passkey step-up requires the UV flag (checkAssertion), so it is always the user-verified factor.
  WEBAUTHN: "webauthn-uv",
};

export function factorOf(method: StepUpMethod): StepUpFactor {
  return FACTORS[method];
}

/** IDN-03: the jurisdiction profile says which factors count as real-name re-authentication before a patient. */
export function requireAcceptedFactor(method: StepUpMethod, accepted: readonly StepUpFactor[]): void {
  if (!accepted.includes(factorOf(method))) throw refusal("STEP_UP_FACTOR_NOT_ACCEPTED");
}
