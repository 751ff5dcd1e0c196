import type { AccountKind, ClinicalObject, SessionPolicy, StepUpMethod } from "./types.js";

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
  /** The password matched, or the face-match port confirmed the person. */
  readonly confirmed: boolean;
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

export type AccountCommand = OpenAccount | SetPassword | Login | StepUpCommand | TouchSession;

/** Claims a login name (by its blind index) for one subject. */
export interface ClaimLoginName {
  readonly type: "ClaimLoginName";
  readonly subjectId: string;
}
