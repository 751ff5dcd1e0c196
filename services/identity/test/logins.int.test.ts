import { DomainError, type EventStore, type NewEvent, uuidv7, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { runAccountCommand } from "../src/application/sessions/accountStreams.js";
import type { SessionPolicy } from "../src/domain/sessions/index.js";
import { PASSWORD, type PasskeyHarness, passkeyHarness } from "./support/passkeyHarness.js";
import { refusalCode } from "./support/fixtures.js";

// IDN-08, issue 15: an account's logins are recorded on identity-logins-<subject>, each event carrying the whole login
// state, so a session check and a login read as many events after a thousand logins as after ten.

const AT = new Date("2026-03-02T02:00:00Z");
const DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const LOGIN = "dr.wang";
const POLICY: SessionPolicy = { maxFailures: 5, lockoutMinutes: 15, idleMinutes: 30, stepUpMinutes: 10, challengeSeconds: 300 };

let h: PasskeyHarness;
afterEach(() => h.close());

const doctor = (sessionId: string): Caller => ({
  principal: { subject: DOCTOR, roles: ["physician"], tenantId: h.institutionId, kind: "human", sessionId },
  correlationId: "c-logins",
  trace: {},
});

const login = (password = PASSWORD) => h.accounts.login({ loginName: LOGIN, password }, {}, "c-login");

/** "current", or the refusal of the session's next clinical check. */
async function verdict(sessionId: string): Promise<string> {
  try {
    await h.accounts.requireCurrentSession(doctor(sessionId));
    return "current";
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}


/**
 * A login outcome recorded exactly as accounts.login records it (runAccountCommand), without comparing a password
 * (scrypt costs tens of milliseconds; a thousand logins would take a minute).
 */
function recordLogin(passwordMatches: boolean, sessionId = uuidv7()) {
  return runAccountCommand(
    { store: h.store, newId: uuidv7 },
    { correlationId: "c-recorded", trace: {} },
    { subject: DOCTOR, role: "physician" },
    { subjectId: DOCTOR, tenantId: h.institutionId },
    { type: "Login", sessionId, passwordMatches, policy: POLICY, at: h.now },
    undefined,
  );
}

async function recordLogins(count: number): Promise<void> {
  // Every fourth a wrong password: failures are login outcomes too.
  for (let i = 0; i < count; i++) await recordLogin(i % 4 !== 3);
}

/** Counts the events readStream hands back until `stop`. */
function countEventsRead(store: EventStore): { take(): number; stop(): void } {
  const read = store.readStream.bind(store);
  let events = 0;
  const spy = vi.spyOn(store, "readStream").mockImplementation(async (streamId, options) => {
    const got = await read(streamId, options);
    events += got.length;
    return got;
  });
  return {
    take() {
      const taken = events;
      events = 0;
      return taken;
    },
    stop: () => spy.mockRestore(),
  };
}

/** The events one login and then one session check (CheckSession's) read. */
async function eventsOfLoginAndCheck(): Promise<{ login: number; check: number }> {
  const reads = countEventsRead(h.store);
  try {
    const session = await login();
    const loginEvents = reads.take();
    await h.accounts.requireCurrentSession(doctor(session.sessionId));
    return { login: loginEvents, check: reads.take() };
  } finally {
    reads.stop();
  }
}

/** An event of the account's own stream as an earlier version recorded it. */
function legacy(type: string, data: NewEvent["data"]): NewEvent {
  const metadata = { actorId: DOCTOR, actorRole: "physician", tenantId: h.institutionId, correlationId: "c-legacy", causationId: uuidv7(), occurredAt: h.now.toISOString() };
  return { id: uuidv7(), type, schemaVersion: 1, data: { subjectId: DOCTOR, ...data }, metadata };
}

async function appendToOwnStream(events: readonly NewEvent[]): Promise<void> {
  const stream = `identity-account-${DOCTOR}`;
  const last = (await h.store.readStream(stream, { last: true })).at(0);
  await h.store.append(stream, events, last?.revision ?? "no_stream");
}

describe("IDN-08 logins read in constant time (issue 15)", () => {
  it("IDN-08: a login and a session check read as many events after 1,000 logins as after 10", { timeout: 120_000 }, async () => {
    h = await passkeyHarness("national", AT);
    await h.practitionerAccount(DOCTOR, LOGIN);
    await recordLogins(10);
    const afterTen = await eventsOfLoginAndCheck();
    await recordLogins(990);
    const afterThousand = await eventsOfLoginAndCheck();
    expect(afterThousand).toEqual(afterTen);
    // The account's own stream holds what outlives a login: its opening (and password), nothing per login.
    expect((await h.store.readStream(`identity-account-${DOCTOR}`)).map((event) => event.type)).toEqual(["AccountOpened"]);
  });

  it("IDN-08: of logins at once exactly one session stays current, and each outcome carries the session and count the one before left", async () => {
    h = await passkeyHarness("national", AT);
    const first = await h.physician(DOCTOR, LOGIN);
    const append = vi.spyOn(h.store, "append");
    // Recorded at once: each reads the stream's last event before any appends, so all but one lose the race.
    const racing = [uuidv7(), uuidv7(), uuidv7()];
    await Promise.all([...racing.map((sessionId) => recordLogin(true, sessionId)), recordLogin(false)]);
    const conflicts = await Promise.all(append.mock.results.map((result) => (result.value as Promise<unknown>).then(() => false, (error: unknown) => error instanceof WrongExpectedRevisionError)));
    append.mockRestore();
    expect(conflicts.filter(Boolean).length).toBeGreaterThan(0);
    // And through accounts.login, a password compared each time.
    const logins = await Promise.all([login(), login(), login()]);
    const sessions = [first.principal.sessionId ?? "", ...racing, ...logins.map((result) => result.sessionId)];
    const verdicts = await Promise.all(sessions.map(verdict));
    expect(verdicts.filter((answer) => answer === "current")).toHaveLength(1);
    expect(verdicts.filter((answer) => answer === "SESSION_SUPERSEDED")).toHaveLength(sessions.length - 1);
    // One chain: every login supersedes the session current before it, every failure carries it on.
    let current = "";
    let failures = 0;
    for (const event of await h.store.readStream(`identity-logins-${DOCTOR}`)) {
      if (event.type === "LoggedIn") {
        expect(event.data).toMatchObject({ supersededSessionId: current });
        current = (event.data as { sessionId: string }).sessionId;
        failures = 0;
      } else {
        failures += 1;
        expect(event.data).toMatchObject({ session: { sessionId: current }, consecutiveFailures: failures });
      }
    }
    expect(verdicts[sessions.indexOf(current)]).toBe("current");
  });

  it("IDN-08: an account from before the logins stream keeps its session and failure count; its next login supersedes that session, and its own stream grows no more", async () => {
    h = await passkeyHarness("national", AT);
    await h.practitionerAccount(DOCTOR, LOGIN);
    const old = "0193a9f2-0000-7000-8000-00000000501d";
    await appendToOwnStream([
      legacy("LoggedIn", { sessionId: old, supersededSessionId: "", at: AT.toISOString() }),
      legacy("LoginFailed", { consecutiveFailures: 1, at: AT.toISOString() }),
      legacy("LoginFailed", { consecutiveFailures: 2, at: AT.toISOString() }),
    ]);
    const ownStream = async () => (await h.store.readStream(`identity-account-${DOCTOR}`)).map((event) => event.type);
    const before = await ownStream();
    const lastLogin = async () => (await h.store.readStream(`identity-logins-${DOCTOR}`, { last: true })).at(0);
    expect(await verdict(old)).toBe("current");

    expect(await refusalCode(login("wrong-pass-1"))).toBe("INVALID_CREDENTIALS");
    expect((await lastLogin())?.data).toMatchObject({ consecutiveFailures: 3, session: { sessionId: old, startedAt: AT.toISOString() }, passwordVersion: 0 });
    expect(await verdict(old)).toBe("current");

    // A reset starts the count again, though the reset is on the own stream and the count on the logins stream.
    await h.accounts.setPractitionerPassword(h.admin, { requestId: "password-reset-1", practitionerId: DOCTOR, loginName: LOGIN, password: PASSWORD });
    expect(await refusalCode(login("wrong-pass-1"))).toBe("INVALID_CREDENTIALS");
    expect((await lastLogin())?.data).toMatchObject({ consecutiveFailures: 1, session: { sessionId: old }, passwordVersion: 1 });

    const fresh = await login();
    expect(fresh.supersededSessionId).toBe(old);
    expect(await verdict(old)).toBe("SESSION_SUPERSEDED");
    expect(await verdict(fresh.sessionId)).toBe("current");
    expect(await ownStream()).toEqual([...before, "PasswordSet"]);
    expect((await h.store.readStream(`identity-logins-${DOCTOR}`)).map((event) => event.type)).toEqual(["LoginFailed", "LoginFailed", "LoggedIn"]);
  });

  it("IDN-08: a lock recorded by an earlier version still refuses until it runs out, and nothing is recorded meanwhile", async () => {
    h = await passkeyHarness("national", AT);
    await h.practitionerAccount(DOCTOR, LOGIN);
    await appendToOwnStream([legacy("AccountLocked", { lockedUntil: new Date(AT.getTime() + 15 * 60_000).toISOString() })]);
    expect(await refusalCode(login())).toBe("ACCOUNT_LOCKED");
    expect(await h.store.readStream(`identity-logins-${DOCTOR}`)).toEqual([]);
    h.now = new Date(AT.getTime() + 15 * 60_000);
    const session = await login();
    expect(await verdict(session.sessionId)).toBe("current");
  });
});
