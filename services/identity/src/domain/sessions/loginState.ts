import type { LoggedIn, LoggedInData, LoginFailed, LoginFailedData } from "./events.js";
import type { Account, Session } from "./types.js";

/**
 * IDN-08, issue 15: the login part of an account — its current session, the consecutive failed logins, the password
 * version they were counted against — carried whole by every event of identity-logins-<subjectId>. The stream is
 * read by its last event alone, so a session check or a login costs the same after ten logins or ten thousand.
 * Applying that event is setting, not adding: applied onto a state that already holds it, it changes nothing (a login
 * is decided on the account as read, and handleCommand then folds the stream's last event onto it again).
 */

/** A successful login: the new session supersedes the current one at once (IDN-08). */
export function loggedIn(account: Account, sessionId: string, at: Date): LoggedIn {
  return {
    type: "LoggedIn",
    data: {
      subjectId: account.subjectId,
      sessionId,
      supersededSessionId: account.session?.sessionId ?? "",
      at: at.toISOString(),
      passwordVersion: account.passwordVersion,
    },
  };
}

/** A wrong password at login: counted, and the session it leaves current carried on (a failure ends no session). */
export function loginFailed(account: Account, at: Date): LoginFailed {
  const { session } = account;
  return {
    type: "LoginFailed",
    data: {
      subjectId: account.subjectId,
      consecutiveFailures: account.consecutiveFailures + 1,
      at: at.toISOString(),
      session: session === undefined ? null : { sessionId: session.sessionId, startedAt: session.startedAt },
      passwordVersion: account.passwordVersion,
    },
  };
}

export function withLoggedIn(account: Account, data: LoggedInData): Account {
  if (account.session?.sessionId === data.sessionId) return account;
  return { ...withSession(account, data.sessionId, data.at), consecutiveFailures: 0 };
}

/**
 * A failure of an earlier version (the account's own stream) or of a step-up (a step-up's stream) carries no session:
 * it sets the count alone, in the order it was read with the password resets.
 */
export function withLoginFailed(account: Account, data: LoginFailedData): Account {
  // Counted against a password since replaced: the reset started the count again.
  const stale = data.passwordVersion !== undefined && data.passwordVersion < account.passwordVersion;
  const counted = { ...account, consecutiveFailures: stale ? 0 : data.consecutiveFailures };
  if (data.session === undefined) return counted;
  if (data.session === null) return { ...counted, session: undefined, stepUps: [], challenges: [] };
  return withSession(counted, data.session.sessionId, data.session.startedAt);
}

/** The session current from now on; the same one keeps the activity already folded into it. */
function withSession(account: Account, sessionId: string, startedAt: string): Account {
  if (account.session?.sessionId === sessionId) return account;
  const session: Session = { sessionId, startedAt, lastActivityAt: startedAt };
  // Step-ups and challenges are bound to the session that made them.
  return { ...account, session, stepUps: [], challenges: [] };
}
