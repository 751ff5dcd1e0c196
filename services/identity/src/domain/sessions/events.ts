import type { DomainEvent } from "@ihp/eventsourcing";
import type { AccountKind, ChallengePurpose, ClinicalObjectKind, StepUpMethod } from "./types.js";

export type AccountOpenedData = {
  readonly subjectId: string;
  readonly kind: AccountKind;
  readonly roles: string[];
  readonly tenantId: string;
  readonly loginIndex: string;
  readonly passwordHash: string;
};
export type PasswordSetData = { readonly subjectId: string; readonly passwordHash: string };
/**
 * The login state a login outcome leaves (stream identity-logins-<subjectId>, read by its last event only): the
 * account's current session and the password version the attempt was checked against (see Account.passwordVersion).
 * Absent on LoginFailed and LoggedIn of earlier versions (then on the account's own stream, read whole) and on a
 * step-up's wrong password (a step-up's stream): those change the failure count, or start a session, alone.
 */
export type LoginStateData = {
  /** The session current after the event; null when the account has had none. LoggedIn: its own session (`at`). */
  readonly session?: { readonly sessionId: string; readonly startedAt: string } | null;
  readonly passwordVersion?: number;
};
export type LoginFailedData = { readonly subjectId: string; readonly consecutiveFailures: number; readonly at: string } & Pick<LoginStateData, "session" | "passwordVersion">;
export type AccountLockedData = { readonly subjectId: string; readonly lockedUntil: string };
export type LoggedInData = {
  readonly subjectId: string;
  readonly sessionId: string;
  /** The session this login replaced (IDN-08); "" when there was none. */
  readonly supersededSessionId: string;
  readonly at: string;
} & Pick<LoginStateData, "passwordVersion">;
export type SteppedUpData = {
  readonly subjectId: string;
  readonly stepUpId: string;
  readonly sessionId: string;
  /** The bound object's id; a consult's when objectKind is absent (step-ups recorded before objects had kinds). */
  readonly consultId: string;
  readonly objectKind?: ClinicalObjectKind;
  readonly method: StepUpMethod;
  readonly at: string;
  readonly expiresAt: string;
  /** Method WEBAUTHN: the passkey, the challenge it answered (now used) and its signature counter. */
  readonly credentialId?: string;
  readonly challenge?: string;
  readonly counter?: number;
};
export type WebAuthnChallengeIssuedData = {
  readonly subjectId: string;
  readonly challenge: string;
  readonly purpose: ChallengePurpose;
  readonly sessionId: string;
  /** A step-up challenge's object; absent for registration. */
  readonly objectKind?: ClinicalObjectKind;
  readonly objectId?: string;
  readonly at: string;
  readonly expiresAt: string;
};
export type PasskeyRegisteredData = {
  readonly subjectId: string;
  readonly credentialId: string;
  /** COSE public key, base64url (a public key: not personal data). */
  readonly publicKey: string;
  readonly counter: number;
  readonly challenge: string;
  readonly sessionId: string;
  readonly at: string;
};
/** A passkey's signature counter moved on (stream identity-passkey-<credentialId>, whose last event is its counter). */
export type PasskeyUsedData = {
  readonly subjectId: string;
  readonly credentialId: string;
  readonly counter: number;
  readonly sessionId: string;
  readonly stepUpId: string;
  readonly at: string;
};
export type SessionActiveData = { readonly subjectId: string; readonly sessionId: string; readonly at: string };
export type LoginNameClaimedData = { readonly subjectId: string };

export type AccountOpened = DomainEvent<"AccountOpened", AccountOpenedData>;
export type PasswordSet = DomainEvent<"PasswordSet", PasswordSetData>;
export type LoginFailed = DomainEvent<"LoginFailed", LoginFailedData>;
export type AccountLocked = DomainEvent<"AccountLocked", AccountLockedData>;
export type LoggedIn = DomainEvent<"LoggedIn", LoggedInData>;
export type SteppedUp = DomainEvent<"SteppedUp", SteppedUpData>;
export type SessionActive = DomainEvent<"SessionActive", SessionActiveData>;
export type LoginNameClaimed = DomainEvent<"LoginNameClaimed", LoginNameClaimedData>;
export type WebAuthnChallengeIssued = DomainEvent<"WebAuthnChallengeIssued", WebAuthnChallengeIssuedData>;
export type PasskeyRegistered = DomainEvent<"PasskeyRegistered", PasskeyRegisteredData>;
export type PasskeyUsed = DomainEvent<"PasskeyUsed", PasskeyUsedData>;

export type AccountEvent =
  | AccountOpened
  | PasswordSet
  | LoginFailed
  | AccountLocked
  | LoggedIn
  | SteppedUp
  | SessionActive
  | WebAuthnChallengeIssued
  | PasskeyRegistered
  | PasskeyUsed;

const TYPES: ReadonlySet<string> = new Set<AccountEvent["type"]>([
  "AccountOpened",
  "PasswordSet",
  "LoginFailed",
  "AccountLocked",
  "LoggedIn",
  "SteppedUp",
  "SessionActive",
  "WebAuthnChallengeIssued",
  "PasskeyRegistered",
  "PasskeyUsed",
]);

export function isAccountEventType(type: string): type is AccountEvent["type"] {
  return TYPES.has(type);
}
