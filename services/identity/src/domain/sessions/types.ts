/**
 * Whose account: a patient (subject = patient id), a practitioner (subject = practitioner id), or other institution
 * staff — administrators and pharmacy governance (subject = a staff id derived from the opening request).
 */
export const ACCOUNT_KINDS = ["PATIENT", "PRACTITIONER", "STAFF"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** How a step-up re-authenticated the person (IDN-03: real-name re-authentication before receiving a patient). */
export const STEP_UP_METHODS = ["PASSWORD", "FACE_MATCH"] as const;
export type StepUpMethod = (typeof STEP_UP_METHODS)[number];

/** Lockout and expiry settings, from configuration, carried by the commands that apply them. */
export type SessionPolicy = {
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
  readonly idleMinutes: number;
  readonly stepUpMinutes: number;
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
  readonly consecutiveFailures: number;
  /** ISO instant until which logins are refused; undefined when not locked. */
  readonly lockedUntil: string | undefined;
  readonly session: Session | undefined;
  /** Step-ups of the current session. */
  readonly stepUps: readonly StepUp[];
}
