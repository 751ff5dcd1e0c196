import { refusing, type Decider } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type { AccountCommand, ClaimLoginName, Login, OpenAccount, SetPassword, StepUpCommand, TouchSession } from "./commands.js";
import type { AccountEvent, LoginFailed, LoginNameClaimed } from "./events.js";
import { issueChallenge, passkeyStepUp, registerPasskey, steppedUp, withChallenge, withCounter, withPasskey, withPasskeyStepUp } from "./passkeyDecisions.js";
import { loggedIn, loginFailed, withLoggedIn, withLoginFailed } from "./loginState.js";
import { isLocked, requireCurrentSession, requirePassword } from "./rules.js";
import type { Account } from "./types.js";

export type AccountState = { readonly status: "none" } | { readonly status: "open"; readonly account: Account };
export const NO_ACCOUNT: AccountState = { status: "none" };

type Decision = readonly AccountEvent[];

// Activity is recorded at most once a minute: the idle limit is counted in minutes, and every clinical check would
// otherwise append an event.
const ACTIVITY_GRANULARITY_MS = 60_000;

function open(command: OpenAccount, state: AccountState): Decision {
  if (state.status === "open") throw refusal("LOGIN_NAME_TAKEN");
  requirePassword(command.password);
  const { subjectId, kind, tenantId, loginIndex, passwordHash } = command;
  return [{ type: "AccountOpened", data: { subjectId, kind, roles: [...command.roles], tenantId, loginIndex, passwordHash } }];
}

function setPassword(command: SetPassword, account: Account): Decision {
  requirePassword(command.password);
  return [{ type: "PasswordSet", data: { subjectId: account.subjectId, passwordHash: command.passwordHash } }];
}

/**
 * A wrong password: counted and recorded, never a lock. A hard lock let anyone who knew a login name lock its owner
 * out; attempts are throttled instead (application/sessions/loginThrottle.ts). AccountLocked events of earlier
 * versions still replay and are honoured until they run out.
 */
function login(command: Login, account: Account): Decision {
  if (isLocked(account, command.at)) throw refusal("ACCOUNT_LOCKED");
  if (!command.passwordMatches) return [loginFailed(account, command.at)];
  return [loggedIn(account, command.sessionId, command.at)];
}

/** A wrong password in a step-up: counted on the step-up's stream, like a failed login (IDN-03). */
function stepUpFailure(account: Account, at: Date): LoginFailed[] {
  return [{ type: "LoginFailed", data: { subjectId: account.subjectId, consecutiveFailures: account.consecutiveFailures + 1, at: at.toISOString() } }];
}

function stepUp(command: StepUpCommand, account: Account): Decision {
  const session = requireCurrentSession(account, command.sessionId, command.policy, command.at);
  if (command.method === "WEBAUTHN") return passkeyStepUp(command, account, session);
  if (isLocked(account, command.at)) throw refusal("ACCOUNT_LOCKED");
  if (!command.confirmed) return stepUpFailure(account, command.at);
  return [steppedUp(command, account, session)];
}

function touch(command: TouchSession, account: Account): Decision {
  const session = requireCurrentSession(account, command.sessionId, command.policy, command.at);
  if (command.at.getTime() - Date.parse(session.lastActivityAt) < ACTIVITY_GRANULARITY_MS) return [];
  return [{ type: "SessionActive", data: { subjectId: account.subjectId, sessionId: session.sessionId, at: command.at.toISOString() } }];
}

function decide(command: AccountCommand, state: AccountState): Decision {
  if (command.type === "OpenAccount") return open(command, state);
  // An unknown account answers like a wrong password: a login must not reveal which names exist.
  if (state.status !== "open") throw refusal(command.type === "Login" || command.type === "SetPassword" ? "INVALID_CREDENTIALS" : "SESSION_REQUIRED");
  const { account } = state;
  switch (command.type) {
    case "SetPassword":
      return setPassword(command, account);
    case "Login":
      return login(command, account);
    case "StepUp":
      return stepUp(command, account);
    case "TouchSession":
      return touch(command, account);
    case "IssueChallenge":
      return issueChallenge(command, account);
    case "RegisterPasskey":
      return registerPasskey(command, account);
  }
}

/** The events of a session that count only while it is the account's current one. */
const SESSION_SCOPED: ReadonlySet<AccountEvent["type"]> = new Set(["SessionActive", "WebAuthnChallengeIssued", "SteppedUp"]);

function evolveAccount(account: Account, event: Exclude<AccountEvent, { type: "AccountOpened" }>): Account {
  // A session's events read after a later login (another stream, read separately) change nothing.
  if (SESSION_SCOPED.has(event.type) && (event.data as { sessionId: string }).sessionId !== account.session?.sessionId) return account;
  switch (event.type) {
    case "PasswordSet":
      return { ...account, passwordHash: event.data.passwordHash, passwordVersion: account.passwordVersion + 1, consecutiveFailures: 0, lockedUntil: undefined };
    case "LoginFailed":
      return withLoginFailed(account, event.data);
    case "AccountLocked":
      // The count starts again after the lockout.
      return { ...account, lockedUntil: event.data.lockedUntil, consecutiveFailures: 0 };
    case "LoggedIn":
      return withLoggedIn(account, event.data);
    case "SteppedUp": {
      const { stepUpId, sessionId, consultId, objectKind = "CONSULT", method, at, expiresAt, credentialId } = event.data;
      const object = { kind: objectKind, id: consultId };
      return {
        ...withPasskeyStepUp(account, event.data),
        consecutiveFailures: 0,
        session: account.session === undefined ? undefined : { ...account.session, lastActivityAt: at },
        // Expired step-ups are dropped as new ones come, so the list stays short.
        stepUps: [
          ...account.stepUps.filter((old) => old.expiresAt > at),
          { stepUpId, sessionId, object, method, at, expiresAt, ...(credentialId === undefined ? {} : { credentialId }) },
        ],
      };
    }
    case "WebAuthnChallengeIssued":
      return withChallenge(account, event);
    case "PasskeyRegistered":
      return withPasskey(account, event);
    case "SessionActive":
      return { ...account, session: account.session === undefined ? undefined : { ...account.session, lastActivityAt: event.data.at } };
    case "PasskeyUsed":
      return withCounter(account, event.data.credentialId, event.data.counter);
  }
}

function evolve(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === "AccountOpened") {
    return {
      status: "open",
      account: { ...event.data, passwordVersion: 0, consecutiveFailures: 0, lockedUntil: undefined, session: undefined, stepUps: [], passkeys: [], challenges: [] },
    };
  }
  if (state.status !== "open") return state;
  return { status: "open", account: evolveAccount(state.account, event) };
}

/**
 * The account aggregate, kept in several streams (application/sessions/accountStreams.ts): identity-account-<subjectId>
 * (opening, password, passkeys), identity-logins-<subjectId> (the login state, read by its last event), the current
 * session's and its step-ups'.
 */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: NO_ACCOUNT,
  evolve,
  decide: refusing(decide),
};

export type LoginNameState = { readonly subjectId: string | undefined };

/** A login name's claim (stream identity-login-<blind index>): one subject per name, first come. */
export const loginNameDecider: Decider<ClaimLoginName, LoginNameClaimed, LoginNameState> = {
  initialState: { subjectId: undefined },
  evolve: (_state, event) => ({ subjectId: event.data.subjectId }),
  decide(command, state) {
    if (state.subjectId === command.subjectId) return [];
    if (state.subjectId !== undefined) return refusal("LOGIN_NAME_TAKEN");
    return [{ type: "LoginNameClaimed", data: { subjectId: command.subjectId } }];
  },
};
