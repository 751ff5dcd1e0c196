import { fold } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  type AccountEvent,
  accountDecider,
  freshStepUp,
  loginNameDecider,
  passkeyCounterDecider,
  requireCurrentSession,
  type SessionPolicy,
} from "../src/domain/sessions/index.js";

const AT = new Date("2026-03-02T02:00:00Z");
const DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const POLICY: SessionPolicy = { maxFailures: 3, lockoutMinutes: 15, idleMinutes: 30, stepUpMinutes: 10, challengeSeconds: 300 };
const minutes = (n: number) => new Date(AT.getTime() + n * 60_000);

const opened: AccountEvent = {
  type: "AccountOpened",
  data: { subjectId: DOCTOR, kind: "PRACTITIONER", roles: ["physician"], tenantId: "t", loginIndex: "ix", passwordHash: "h" },
};
const loggedIn = (sessionId: string, at: Date, superseded = "", passwordVersion = 0): AccountEvent => ({
  type: "LoggedIn",
  data: { subjectId: DOCTOR, sessionId, supersededSessionId: superseded, at: at.toISOString(), passwordVersion },
});
/** A failure of an earlier version (the account's own stream) or of a step-up: the count alone. */
const failed = (n: number, at = AT): AccountEvent => ({ type: "LoginFailed", data: { subjectId: DOCTOR, consecutiveFailures: n, at: at.toISOString() } });
/** A failed login on the logins stream: the count, the session it leaves current, the password it was checked against. */
const loginFailed = (n: number, session: { sessionId: string; startedAt: Date } | null, passwordVersion = 0, at = AT): AccountEvent => ({
  type: "LoginFailed",
  data: {
    subjectId: DOCTOR,
    consecutiveFailures: n,
    at: at.toISOString(),
    session: session === null ? null : { sessionId: session.sessionId, startedAt: session.startedAt.toISOString() },
    passwordVersion,
  },
});
const passwordSet: AccountEvent = { type: "PasswordSet", data: { subjectId: DOCTOR, passwordHash: "h2" } };
const login = (passwordMatches: boolean, at = AT, sessionId = "s-2") => ({ type: "Login" as const, sessionId, passwordMatches, policy: POLICY, at });

function account(history: readonly AccountEvent[]) {
  const state = fold(accountDecider, history);
  if (state.status !== "open") throw new Error("no account");
  return state.account;
}

describe("login and lockout", () => {
  it("IDN-08: opens an account only with a password of 8+ characters with letters and digits", () => {
    const open = { type: "OpenAccount" as const, subjectId: DOCTOR, kind: "PRACTITIONER" as const, roles: ["physician"], tenantId: "t", loginIndex: "ix", passwordHash: "h", at: AT };
    given(accountDecider).when({ ...open, password: "short1" }).thenError("WEAK_PASSWORD", "IDN-08");
    given(accountDecider).when({ ...open, password: "onlyletters" }).thenError("WEAK_PASSWORD");
    given(accountDecider).when({ ...open, password: "letters4and5digits" }).then([opened]);
  });

  it("IDN-08: counts wrong passwords and never locks (issue 13: throttled instead); an earlier version's lock runs out", () => {
    given(accountDecider, [opened]).when(login(false)).then([loginFailed(1, null)]);
    given(accountDecider, [opened, failed(1), failed(2)]).when(login(false)).then([loginFailed(3, null)]);
    given(accountDecider, [opened, loggedIn("s-1", AT), failed(1)]).when(login(false)).then([loginFailed(2, { sessionId: "s-1", startedAt: AT })]);
    given(accountDecider, [opened, failed(1), failed(2), failed(3)]).when(login(true)).then([loggedIn("s-2", minutes(0))]);
    const locked: AccountEvent = { type: "AccountLocked", data: { subjectId: DOCTOR, lockedUntil: minutes(15).toISOString() } };
    given(accountDecider, [opened, locked]).when(login(true, minutes(14))).thenError("ACCOUNT_LOCKED", "IDN-08");
    given(accountDecider, [opened, locked]).when(login(true, minutes(15))).then([loggedIn("s-2", minutes(15))]);
  });

  it("IDN-08: a new login supersedes the earlier session; its token is refused for clinical acts", () => {
    given(accountDecider, [opened, loggedIn("s-1", AT)]).when(login(true, minutes(1))).then([loggedIn("s-2", minutes(1), "s-1")]);
    const later = account([opened, loggedIn("s-1", AT), loggedIn("s-2", minutes(1), "s-1")]);
    expect(() => requireCurrentSession(later, "s-1", POLICY, minutes(2))).toThrow(expect.objectContaining({ code: "SESSION_SUPERSEDED" }));
    expect(requireCurrentSession(later, "s-2", POLICY, minutes(2)).sessionId).toBe("s-2");
    expect(() => requireCurrentSession(later, undefined, POLICY, minutes(2))).toThrow(expect.objectContaining({ code: "SESSION_REQUIRED" }));
  });

  it("IDN-08 (issue 15): a login outcome carries the whole login state, so the logins stream's last event alone gives it", () => {
    const s1 = { sessionId: "s-1", startedAt: AT };
    const whole = account([opened, loggedIn("s-1", AT), loginFailed(1, s1), loginFailed(2, s1)]);
    const last = account([opened, loginFailed(2, s1)]);
    expect(last.session).toEqual(whole.session);
    expect(last.consecutiveFailures).toBe(2);
    expect(account([opened, loggedIn("s-1", AT), loginFailed(1, null)]).session).toBeUndefined();
    // An account from an earlier version: its own stream's logins, then the logins stream's last event overrides them.
    const migrated = account([opened, loggedIn("s-0", AT), failed(1), failed(2), loggedIn("s-1", minutes(1), "s-0")]);
    expect(migrated.session?.sessionId).toBe("s-1");
    expect(migrated.consecutiveFailures).toBe(0);
  });

  it("IDN-08 (issue 15): the logins stream's last event applied again changes nothing (a login decides on the account as read, then folds it once more)", () => {
    const active: AccountEvent = { type: "SessionActive", data: { subjectId: DOCTOR, sessionId: "s-1", at: minutes(5).toISOString() } };
    const head = loginFailed(1, { sessionId: "s-1", startedAt: AT });
    const read = account([opened, loggedIn("s-1", AT), active, head]);
    expect(account([opened, loggedIn("s-1", AT), active, head, head])).toEqual(read);
    expect(read.session?.lastActivityAt).toBe(minutes(5).toISOString());
    expect(account([opened, loggedIn("s-1", AT), active, loggedIn("s-1", AT)]).session?.lastActivityAt).toBe(minutes(5).toISOString());
  });

  it("IDN-08: a password reset starts the failure count again, whichever of the account's streams is read first", () => {
    const counted = loginFailed(2, null, 0);
    // The reset (own stream) read before or after the count (logins stream) checked against the replaced password.
    expect(account([opened, passwordSet, counted]).consecutiveFailures).toBe(0);
    expect(account([opened, counted, passwordSet]).consecutiveFailures).toBe(0);
    // Counted against the new password: it stands, and the next failure records the new version.
    expect(account([opened, passwordSet, loginFailed(1, null, 1)]).consecutiveFailures).toBe(1);
    given(accountDecider, [opened, passwordSet, counted]).when(login(false)).then([loginFailed(1, null, 1)]);
  });

  it("IDN-08: a session idle for the configured minutes has expired; activity keeps it alive", () => {
    const history = [opened, loggedIn("s-1", AT)];
    expect(() => requireCurrentSession(account(history), "s-1", POLICY, minutes(30))).toThrow(expect.objectContaining({ code: "SESSION_IDLE_EXPIRED" }));
    const touch = { type: "TouchSession" as const, sessionId: "s-1", policy: POLICY, at: minutes(20) };
    given(accountDecider, history).when(touch).then([{ type: "SessionActive", data: { subjectId: DOCTOR, sessionId: "s-1", at: minutes(20).toISOString() } }]);
    given(accountDecider, history).when({ ...touch, at: new Date(AT.getTime() + 30_000) }).then([]);
    given(accountDecider, history).when({ ...touch, at: minutes(31) }).thenError("SESSION_IDLE_EXPIRED");
  });

  it("IDN-08: one login name per subject", () => {
    given(loginNameDecider).when({ type: "ClaimLoginName", subjectId: DOCTOR }).then([{ type: "LoginNameClaimed", data: { subjectId: DOCTOR } }]);
    given(loginNameDecider, [{ type: "LoginNameClaimed", data: { subjectId: "other" } }])
      .when({ type: "ClaimLoginName", subjectId: DOCTOR })
      .thenError("LOGIN_NAME_TAKEN");
  });
});

describe("step-up", () => {
  const history = [opened, loggedIn("s-1", AT)];
  const stepUp = { type: "StepUp" as const, sessionId: "s-1", stepUpId: "u-1", object: { kind: "CONSULT" as const, id: "consult-1" }, method: "PASSWORD" as const, confirmed: true, policy: POLICY, at: minutes(1) };
  const steppedUp: AccountEvent = {
    type: "SteppedUp",
    data: { subjectId: DOCTOR, stepUpId: "u-1", sessionId: "s-1", consultId: "consult-1", objectKind: "CONSULT", method: "PASSWORD", at: minutes(1).toISOString(), expiresAt: minutes(11).toISOString() },
  };

  const consult = (id: string) => ({ kind: "CONSULT" as const, id });

  it("IDN-03: records a step-up bound to one consult, fresh for the configured minutes; it proves nothing for any other object", () => {
    given(accountDecider, history).when(stepUp).then([steppedUp]);
    const after = account([...history, steppedUp]);
    const session = requireCurrentSession(after, "s-1", POLICY, minutes(5));
    expect(freshStepUp(after, session, consult("consult-1"), minutes(5))?.stepUpId).toBe("u-1");
    expect(freshStepUp(after, session, consult("consult-2"), minutes(5))).toBeUndefined();
    // Same id, other kind: a step-up for consult X is no step-up for a prescription that happens to be called X.
    expect(freshStepUp(after, session, { kind: "PRESCRIPTION", id: "consult-1" }, minutes(5))).toBeUndefined();
    expect(freshStepUp(after, session, consult("consult-1"), minutes(11))).toBeUndefined();
  });

  it("IDN-03: a step-up recorded before objects had kinds binds the consult it named", () => {
    const { objectKind: _kind, ...legacyData } = steppedUp.data;
    const after = account([...history, { type: "SteppedUp", data: legacyData }]);
    const session = requireCurrentSession(after, "s-1", POLICY, minutes(5));
    expect(freshStepUp(after, session, consult("consult-1"), minutes(5))?.stepUpId).toBe("u-1");
  });

  it("IDN-03: a wrong password in a step-up counts as a failed login; a superseded session cannot step up", () => {
    given(accountDecider, history).when({ ...stepUp, confirmed: false }).then([failed(1, minutes(1))]);
    given(accountDecider, [...history, loggedIn("s-2", AT, "s-1")]).when(stepUp).thenError("SESSION_SUPERSEDED", "IDN-08");
  });

  it("IDN-08: a new login drops the step-ups of the old session", () => {
    const after = account([...history, steppedUp, loggedIn("s-2", minutes(2), "s-1")]);
    const session = requireCurrentSession(after, "s-2", POLICY, minutes(3));
    expect(freshStepUp(after, session, consult("consult-1"), minutes(3))).toBeUndefined();
  });

  it("IDN-08 (issue 15): an old session's events read after a later login (its own stream) count for nothing", () => {
    const active: AccountEvent = { type: "SessionActive", data: { subjectId: DOCTOR, sessionId: "s-1", at: minutes(25).toISOString() } };
    const after = account([...history, loggedIn("s-2", minutes(2), "s-1"), steppedUp, active]);
    const session = requireCurrentSession(after, "s-2", POLICY, minutes(3));
    expect(freshStepUp(after, session, consult("consult-1"), minutes(3))).toBeUndefined();
    expect(session.lastActivityAt).toBe(minutes(2).toISOString());
  });

  it("IDN-03 (issue 15): a registration challenge is used once its passkey is registered, whichever stream is read first", () => {
    const registered: AccountEvent = {
      type: "PasskeyRegistered",
      data: { subjectId: DOCTOR, credentialId: "cred-1", publicKey: "pk", counter: 0, challenge: "ch-1", sessionId: "s-1", at: minutes(1).toISOString() },
    };
    const issued: AccountEvent = {
      type: "WebAuthnChallengeIssued",
      data: { subjectId: DOCTOR, challenge: "ch-1", purpose: "REGISTRATION", sessionId: "s-1", at: AT.toISOString(), expiresAt: minutes(5).toISOString() },
    };
    expect(account([...history, issued, registered]).challenges[0]?.used).toBe(true);
    expect(account([...history, registered, issued]).challenges[0]?.used).toBe(true);
  });
});

describe("passkey counter (IDN-03, issue 15)", () => {
  const use = (counter: number, stepUpId = `u-${counter}`) => ({ type: "RecordPasskeyUse" as const, subjectId: DOCTOR, credentialId: "cred-1", counter, sessionId: "s-1", stepUpId, at: AT });
  const used = (counter: number, stepUpId = `u-${counter}`): Parameters<typeof passkeyCounterDecider.evolve>[1] => ({
    type: "PasskeyUsed",
    data: { subjectId: DOCTOR, credentialId: "cred-1", counter, sessionId: "s-1", stepUpId, at: AT.toISOString() },
  });

  it("IDN-03: records a counter that moved forward from the last recorded use; one that did not is a cloned authenticator", () => {
    given(passkeyCounterDecider).when(use(1)).then([used(1)]);
    given(passkeyCounterDecider, [used(1), used(5)]).when(use(6)).then([used(6)]);
    given(passkeyCounterDecider, [used(1), used(5)]).when(use(5, "u-other")).thenError("WEBAUTHN_COUNTER_REGRESSED");
    given(passkeyCounterDecider, [used(5)]).when(use(3)).thenError("WEBAUTHN_COUNTER_REGRESSED");
  });

  it("IDN-03: the same step-up recorded again changes nothing; an authenticator without a counter records nothing", () => {
    given(passkeyCounterDecider, [used(5)]).when(use(5)).then([]);
    given(passkeyCounterDecider).when(use(0)).then([]);
    given({ ...passkeyCounterDecider, initialState: { counter: 4, stepUpId: undefined } }).when(use(0)).thenError("WEBAUTHN_COUNTER_REGRESSED");
  });
});
