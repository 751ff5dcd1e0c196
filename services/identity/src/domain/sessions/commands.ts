import type { AccountKind, ChallengePurpose, ClinicalObject, SessionPolicy, StepUpMethod } from "./types.js";

/** Opens an account with a password. `password` is here only for the policy check; the hash is what is stored. */
export interface OpenAccount {
  readonly type: "OpenAccount";
  readonly subjectId: string;
  readonly kind: AccountKind;
  readonly roles: readonly string[];
  readonly tenantId: string;
  readonly loginIndex: string;
  readonly password: string;
  readonly passwordHash: string;
  readonly at: Date;
}

/** An institution admin sets (or resets) a practitioner's password; a reset also lifts a lockout. */
export interface SetPassword {
  readonly type: "SetPassword";
  readonly password: string;
  readonly passwordHash: string;
  readonly at: Date;
}

/** A login attempt; the application compared the password (scrypt) and says whether it matched. */
export interface Login {
  readonly type: "Login";
  readonly sessionId: string;
  readonly passwordMatches: boolean;
  readonly policy: SessionPolicy;
  readonly at: Date;
}

/** A step-up for one object (a consult, a prescription under review), in the current session. */
export interface StepUpCommand {
  readonly type: "StepUp";
  readonly sessionId: string | undefined;
  readonly stepUpId: string;
  readonly object: ClinicalObject;
  readonly method: StepUpMethod;
  /** The password matched, the face-match port confirmed the person, or the passkey's signature verified. */
  readonly confirmed: boolean;
  /** Method WEBAUTHN: the verified assertion's credential, challenge and signature counter. */
  readonly assertion?: PasskeyAssertion;
  readonly policy: SessionPolicy;
  readonly at: Date;
}

/** A clinical check ran in the session: keeps it from idling out (recorded at most once a minute). */
export interface TouchSession {
  readonly type: "TouchSession";
  readonly sessionId: string | undefined;
  readonly policy: SessionPolicy;
  readonly at: Date;
}

/** A verified WebAuthn assertion, as the step-up records it. */
export type PasskeyAssertion = { readonly credentialId: string; readonly challenge: string; readonly counter: number };

/** A WebAuthn challenge for the account holder, in their current session (IDN-03). */
export interface IssueChallenge {
  readonly type: "IssueChallenge";
  readonly sessionId: string | undefined;
  readonly challenge: string;
  readonly purpose: ChallengePurpose;
  /** The object a step-up challenge is for; undefined for registration. */
  readonly object: ClinicalObject | undefined;
  readonly policy: SessionPolicy;
  readonly at: Date;
}

/** A passkey whose attestation the application verified against a registration challenge of this session. */
export interface RegisterPasskey {
  readonly type: "RegisterPasskey";
  readonly sessionId: string | undefined;
  readonly challenge: string;
  readonly credentialId: string;
  /** COSE public key, base64url. */
  readonly publicKey: string;
  readonly counter: number;
  readonly policy: SessionPolicy;
  readonly at: Date;
}

export type AccountCommand = OpenAccount | SetPassword | Login | StepUpCommand | TouchSession | IssueChallenge | RegisterPasskey;

/** Claims a login name (by its blind index) for one subject. */
export interface ClaimLoginName {
  readonly type: "ClaimLoginName";
  readonly subjectId: string;
}
