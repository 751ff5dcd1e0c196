import { randomUUID } from "node:crypto";
import { SoftAuthenticator } from "@ihp/testing/soft-authenticator";
import { must } from "./clinicalFlow.js";

// Passkeys of the demo and test clinicians through the GraphQL API (IDN-03): a software authenticator stands in for
// the clinician's device (its biometric or PIN check always passes), so flows step up as a browser would.

/**
 * IDN-03: registers a new passkey for the clinician signed in with `token` (just after their login), on a software
 * authenticator that stands in for their device. Request ids are fresh: a restart of the demo registers another one.
 */
export async function registerPasskey(url: string, token: string, device = new SoftAuthenticator()): Promise<SoftAuthenticator> {
  const key = randomUUID();
  const challenge = await must<{ optionsJson: string }>(
    url,
    `mutation ($input: StartPasskeyRegistrationInput!) { startPasskeyRegistration(input: $input) { optionsJson } }`,
    { input: { requestId: `${key}-passkey-start` } },
    token,
    "startPasskeyRegistration",
  );
  await must(
    url,
    `mutation ($input: FinishPasskeyRegistrationInput!) { finishPasskeyRegistration(input: $input) { credentialId } }`,
    { input: { requestId: `${key}-passkey-finish`, response: device.register(challenge.optionsJson) } },
    token,
    "finishPasskeyRegistration",
  );
  return device;
}

/**
 * IDN-03: a passkey step-up bound to one object (a consult, or a prescription version under review): the challenge
 * for it, the device's assertion with user verification, the step-up.
 */
export async function stepUp(
  url: string,
  token: string,
  object: { consultId: string } | { prescriptionId: string; serialNumber: string },
  device: SoftAuthenticator,
  requestId: string,
): Promise<void> {
  const challenge = await must<{ optionsJson: string }>(
    url,
    `mutation ($input: StartStepUpInput!) { startStepUp(input: $input) { optionsJson } }`,
    { input: { requestId: `${requestId}-challenge`, ...object } },
    token,
    "startStepUp",
  );
  await must(
    url,
    `mutation ($input: StepUpInput!) { stepUp(input: $input) { stepUpId } }`,
    { input: { requestId, ...object, method: "WEBAUTHN", secret: device.assert(challenge.optionsJson) } },
    token,
    "stepUp",
  );
}
