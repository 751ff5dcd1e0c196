import { refusal } from "../errors.js";
import type { Account, ChallengePurpose, ClinicalObject, Passkey, PendingChallenge, Session } from "./types.js";

/**
 * What a WebAuthn assertion claims, read from its clientDataJSON and authenticatorData (not yet its signature, which
 * the application checks with the credential's key).
 */
export type AssertionFacts = {
  readonly type: string;
  readonly challenge: string;
  readonly origin: string;
  /** SHA-256 of the RP ID the authenticator signed for, hex. */
  readonly rpIdHash: string;
  readonly userPresent: boolean;
  readonly userVerified: boolean;
  readonly counter: number;
};

/** What the platform expects of every assertion: its origins and the hash of its RP ID. */
export type RelyingParty = { readonly origins: readonly string[]; readonly rpIdHash: string };

const SECOND_MS = 1000;

export function secondsAfter(at: Date, seconds: number): string {
  return new Date(at.getTime() + seconds * SECOND_MS).toISOString();
}

function sameObject(a: ClinicalObject | undefined, b: ClinicalObject | undefined): boolean {
  return a?.kind === b?.kind && a?.id === b?.id;
}

/**
 * IDN-03: the challenge an answer names must be one this account was given, for this purpose, in this session (and
 * for a step-up, for this very object), not used and not expired. Checked before anything else of the answer.
 */
export function requireChallenge(
  account: Account,
  challenge: string,
  expected: { readonly purpose: ChallengePurpose; readonly session: Session; readonly object?: ClinicalObject },
  at: Date,
): PendingChallenge {
  const issued = account.challenges.find((candidate) => candidate.challenge === challenge);
  if (issued === undefined) throw refusal("WEBAUTHN_CHALLENGE_UNKNOWN");
  if (issued.purpose !== expected.purpose || issued.sessionId !== expected.session.sessionId || !sameObject(issued.object, expected.object)) {
    throw refusal("WEBAUTHN_CHALLENGE_UNKNOWN");
  }
  if (issued.used) throw refusal("WEBAUTHN_CHALLENGE_USED");
  if (Date.parse(issued.expiresAt) <= at.getTime()) throw refusal("WEBAUTHN_CHALLENGE_EXPIRED");
  return issued;
}

/** Only the account's own passkeys: another person's credential is as unknown here as a made-up one. */
export function requirePasskey(account: Account, credentialId: string): Passkey {
  const passkey = account.passkeys.find((candidate) => candidate.credentialId === credentialId);
  if (passkey === undefined) throw refusal("PASSKEY_NOT_REGISTERED");
  return passkey;
}

/**
 * A cloned authenticator shows itself by a counter that does not move forward. Authenticators without a counter
 * (always 0, e.g. synced passkeys) are allowed while both stay 0 (WebAuthn §6.1.1).
 */
export function counterAdvances(stored: number, presented: number): boolean {
  return (stored === 0 && presented === 0) || presented > stored;
}

/**
 * IDN-03: the assertion's claims, in the order that names the first problem: a get ceremony, from a trusted origin,
 * for this platform's RP ID, with the person present and verified by the device (biometric or PIN), and a counter
 * that moved on. The signature itself is the application's check.
 */
export function checkAssertion(facts: AssertionFacts, relyingParty: RelyingParty, passkey: Passkey): void {
  if (facts.type !== "webauthn.get") throw refusal("WEBAUTHN_RESPONSE_INVALID");
  if (!relyingParty.origins.includes(facts.origin)) throw refusal("WEBAUTHN_ORIGIN_MISMATCH");
  if (facts.rpIdHash !== relyingParty.rpIdHash) throw refusal("WEBAUTHN_RP_ID_MISMATCH");
  if (!facts.userPresent || !facts.userVerified) throw refusal("WEBAUTHN_USER_NOT_VERIFIED");
  if (!counterAdvances(passkey.counter, facts.counter)) throw refusal("WEBAUTHN_COUNTER_REGRESSED");
}

/** A passkey may be added only soon after the password login, so a stolen session token cannot plant its own. */
export function requireRecentLogin(session: Session, withinMinutes: number, at: Date): void {
  if (Date.parse(session.startedAt) + withinMinutes * 60 * SECOND_MS <= at.getTime()) throw refusal("RECENT_LOGIN_REQUIRED");
}
