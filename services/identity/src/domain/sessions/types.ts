/**
 * Whose account: a patient (subject = patient id), a practitioner (subject = practitioner id), or other institution
 * staff — administrators and pharmacy governance (subject = a staff id derived from the opening request).
 */
export const ACCOUNT_KINDS = ["PATIENT", "PRACTITIONER", "STAFF"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** How a step-up re-authenticated the person (IDN-03: real-name re-authentication before receiving a patient). */
export const STEP_UP_METHODS = ["PASSWORD", "FACE_MATCH", "WEBAUTHN"] as const;
export type StepUpMethod = (typeof STEP_UP_METHODS)[number];

/** Lockout and expiry settings, from configuration, carried by the commands that apply them. */
export type SessionPolicy = {
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
  readonly idleMinutes: number;
  readonly stepUpMinutes: number;
  /** How long a WebAuthn challenge may be answered. */
  readonly challengeSeconds: number;
};

/** What a step-up is bound to (IDN-03): the object about to be acted on. */
export const CLINICAL_OBJECT_KINDS = ["CONSULT", "PRESCRIPTION", "PATIENT"] as const;
export type ClinicalObjectKind = (typeof CLINICAL_OBJECT_KINDS)[number];
export type ClinicalObject = { readonly kind: ClinicalObjectKind; readonly id: string };

export type StepUp = {
  readonly stepUpId: string;
  readonly sessionId: string;
  readonly object: ClinicalObject;
  readonly method: StepUpMethod;
  /** The passkey that asserted it (method WEBAUTHN). */
  readonly credentialId?: string;
  /** ISO instants. */
  readonly at: string;
  readonly expiresAt: string;
};

/** The one current login session of an account (IDN-08: a later login supersedes it). */
export type Session = {
  readonly sessionId: string;
  readonly startedAt: string;
  readonly lastActivityAt: string;
};

export interface Account {
  readonly subjectId: string;
  readonly kind: AccountKind;
  readonly roles: readonly string[];
  readonly tenantId: string;
  readonly loginIndex: string;
  /** scrypt hash in its encoded form; never logged, never leaves the service. */
  readonly passwordHash: string;
  /**
   * How many times the password was set since the account was opened (0: the opening's). A login outcome records the
   * version its attempt was checked against, so a failure count from before a reset is not carried past it, in
   * whichever order the account's own stream and its logins stream are read.
   */
  readonly passwordVersion: number;
  readonly consecutiveFailures: number;
  /** ISO instant until which logins are refused; undefined when not locked. */
  readonly lockedUntil: string | undefined;
  readonly session: Session | undefined;
  /**
   * Step-ups of the current session. The session's own events (activity, challenges, step-ups) are recorded in the
   * session's stream, not the account's, so an account's stream does not grow with every consult.
   */
  readonly stepUps: readonly StepUp[];
  /** WebAuthn credentials registered by the account holder (IDN-03). */
  readonly passkeys: readonly Passkey[];
  /** WebAuthn challenges issued and not yet expired, used ones included (a replay is told apart from a stranger). */
  readonly challenges: readonly PendingChallenge[];
}

/** A registered WebAuthn credential: its id and COSE public key (base64url) and the last signature counter seen. */
export type Passkey = {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly registeredAt: string;
  /** The registration challenge it answered: used from then on, in whichever order the streams are read. */
  readonly challenge?: string;
};

export const CHALLENGE_PURPOSES = ["REGISTRATION", "STEP_UP"] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

/** A WebAuthn challenge: single use, bound to the session it was issued in and, for a step-up, to one object. */
export type PendingChallenge = {
  readonly challenge: string;
  readonly purpose: ChallengePurpose;
  readonly sessionId: string;
  readonly object: ClinicalObject | undefined;
  readonly expiresAt: string;
  readonly used: boolean;
};
