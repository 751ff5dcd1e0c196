import { refusal } from "../errors.js";
import type { Account, ClinicalObject, Session, SessionPolicy, StepUp } from "./types.js";

const LOGIN_NAME = /^[a-z0-9._@+-]{4,64}$/;
const CONSULT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;
const MINUTE_MS = 60_000;

/** Login names compare without case and surrounding spaces. */
export function normalizeLoginName(raw: string): string {
  return raw.trim().toLowerCase();
}

/** IDN-08: 4–64 of a-z 0-9 . _ @ + - after normalisation. */
export function requireLoginName(raw: string): string {
  const name = normalizeLoginName(raw);
  if (!LOGIN_NAME.test(name)) throw refusal("INVALID_LOGIN_NAME");
  return name;
}

/** IDN-08: 8–128 characters with at least one letter and one digit. */
export function requirePassword(password: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD || length > MAX_PASSWORD || !/\p{L}/u.test(password) || !/\d/.test(password)) {
    throw refusal("WEAK_PASSWORD");
  }
}

export function requireConsultId(raw: string): string {
  if (!CONSULT_ID.test(raw)) throw refusal("INVALID_CONSULT_ID");
  return raw;
}

export function isLocked(account: Account, at: Date): boolean {
  return account.lockedUntil !== undefined && Date.parse(account.lockedUntil) > at.getTime();
}

/**
 * IDN-08: the token's session must be the account's current one (a later login supersedes it) and active within the
 * idle time. A token without a session of this service cannot be used for clinical acts.
 */
export function requireCurrentSession(
  account: Account | undefined,
  sessionId: string | undefined,
  policy: Pick<SessionPolicy, "idleMinutes">,
  at: Date,
): Session {
  const session = account?.session;
  if (sessionId === undefined || session === undefined) throw refusal("SESSION_REQUIRED");
  if (session.sessionId !== sessionId) throw refusal("SESSION_SUPERSEDED");
  if (Date.parse(session.lastActivityAt) + policy.idleMinutes * MINUTE_MS <= at.getTime()) {
    throw refusal("SESSION_IDLE_EXPIRED");
  }
  return session;
}

/**
 * IDN-03: a step-up of the current session that has not expired and is bound to exactly this object (kind and id):
 * one for another consult or prescription — or for an id that names nothing — proves nothing here. The latest one.
 */
export function freshStepUp(account: Account, session: Session, object: ClinicalObject, at: Date): StepUp | undefined {
  return account.stepUps
    .filter(
      (stepUp) =>
        stepUp.sessionId === session.sessionId &&
        stepUp.object.kind === object.kind &&
        stepUp.object.id === object.id &&
        Date.parse(stepUp.expiresAt) > at.getTime(),
    )
    .at(-1);
}

export function minutesAfter(at: Date, minutes: number): string {
  return new Date(at.getTime() + minutes * MINUTE_MS).toISOString();
}
