import { readWholeLog, SoftAuthenticator } from "@ihp/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Caller } from "../src/application/caller.js";
import type { ClinicalObject } from "../src/domain/sessions/index.js";
import { PASSWORD, type PasskeyHarness, passkeyHarness, refusedWith } from "./support/passkeyHarness.js";

// IDN-02, IDN-03 (issue 15): WebAuthn passkeys with user verification as the step-up factor, built with a software
// authenticator (node:crypto ES256), against the real account aggregate, store and @simplewebauthn/server.

const BEFORE_V2 = new Date("2026-03-02T02:00:00Z");
const AFTER_V2 = new Date("2027-03-02T02:00:00Z");
const DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const OTHER_DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c2";
const CONSULT: ClinicalObject = { kind: "CONSULT", id: "consult-0001" };

let h: PasskeyHarness;
let requests = 0;
const rid = (): string => `passkey-${String(++requests).padStart(6, "0")}`;
afterEach(() => h.close());

async function withPasskey(at = AFTER_V2, id = DOCTOR, login = "dr.wang"): Promise<{ doctor: Caller; device: SoftAuthenticator }> {
  h ??= await passkeyHarness("national", at);
  const doctor = await h.physician(id, login);
  const device = new SoftAuthenticator();
  const { optionsJson } = await h.passkeys.startRegistration(doctor, { requestId: rid() });
  await h.passkeys.finishRegistration(doctor, { requestId: rid(), response: device.register(optionsJson) });
  return { doctor, device };
}

const startFor = (doctor: Caller, object = CONSULT) => h.passkeys.startStepUp(doctor, { requestId: rid(), consultId: "", objectKind: object.kind, objectId: object.id });
const challengeFor = async (doctor: Caller, object = CONSULT) => (await startFor(doctor, object)).optionsJson;
const stepUp = (doctor: Caller, secret: string, method = "WEBAUTHN", object = CONSULT) =>
  h.accounts.stepUp(doctor, { requestId: rid(), consultId: "", objectKind: object.kind, objectId: object.id, method, secret });

describe("IDN-03 passkey registration and step-up", () => {
  it("IDN-03: a registered passkey with user verification steps the session up for one consult, and the factor is recorded", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const step = await stepUp(doctor, device.assert(await challengeFor(doctor)));
    const session = await h.accounts.requireClinicalSession(doctor, DOCTOR, CONSULT);
    expect(session.stepUpId).toBe(step.stepUpId);
    const recorded = (await readWholeLog(h.store)).filter((event) => event.type === "SteppedUp").at(-1);
    expect(recorded?.data).toMatchObject({ method: "WEBAUTHN", credentialId: device.credentialId, counter: 1, objectKind: "CONSULT", consultId: CONSULT.id });
    // Another consult is not stepped up by it.
    const other = { kind: "CONSULT", id: "consult-0002" } as const;
    await expect(h.accounts.requireClinicalSession(doctor, DOCTOR, other)).rejects.toMatchObject({ code: "STEP_UP_REQUIRED" });
  });

  it("IDN-03: where the profile asks for real-name re-authentication, the password alone no longer steps up; before it, it did", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor } = await withPasskey();
    expect(await refusedWith(h.store, () => stepUp(doctor, PASSWORD, "PASSWORD"))).toBe("STEP_UP_FACTOR_NOT_ACCEPTED");
    h.close();
    h = await passkeyHarness("national", BEFORE_V2);
    const early = await h.physician(DOCTOR, "dr.wang");
    expect((await stepUp(early, PASSWORD, "PASSWORD")).stepUpId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("IDN-03: a challenge answered twice is a replay; one for another consult, or made up, is unknown", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const options = await challengeFor(doctor);
    await stepUp(doctor, device.assert(options));
    expect(await refusedWith(h.store, () => stepUp(doctor, device.assert(options)))).toBe("WEBAUTHN_CHALLENGE_USED");
    const forOther = await challengeFor(doctor, { kind: "CONSULT", id: "consult-0002" });
    expect(await refusedWith(h.store, () => stepUp(doctor, device.assert(forOther)))).toBe("WEBAUTHN_CHALLENGE_UNKNOWN");
    expect(await refusedWith(h.store, () => stepUp(doctor, device.assert(options, { challenge: "bWFkZS11cC1jaGFsbGVuZ2U" })))).toBe("WEBAUTHN_CHALLENGE_UNKNOWN");
  });

  it("IDN-03: a challenge expires, and is bound to the session that asked for it", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const options = await challengeFor(doctor);
    h.now = new Date(h.now.getTime() + 301_000);
    expect(await refusedWith(h.store, () => stepUp(doctor, device.assert(options)))).toBe("WEBAUTHN_CHALLENGE_EXPIRED");
    const fresh = await challengeFor(doctor);
    const relogged = await h.accounts.login({ loginName: "dr.wang", password: PASSWORD }, {}, "corr-2");
    const newSession = { ...doctor, principal: { ...doctor.principal, sessionId: relogged.sessionId } };
    expect(await refusedWith(h.store, () => stepUp(newSession, device.assert(fresh)))).toBe("WEBAUTHN_CHALLENGE_UNKNOWN");
  });

  it("IDN-03: no user verification, another origin or RP ID, a counter that goes back, a forged signature: refused", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const refused = async (bend: Parameters<SoftAuthenticator["assert"]>[1], from = device) => {
      const options = await challengeFor(doctor);
      return refusedWith(h.store, () => stepUp(doctor, from.assert(options, bend)));
    };
    expect(await refused({ userVerified: false })).toBe("WEBAUTHN_USER_NOT_VERIFIED");
    expect(await refused({ origin: "https://evil.example" })).toBe("WEBAUTHN_ORIGIN_MISMATCH");
    expect(await refused({ rpId: "evil.example" })).toBe("WEBAUTHN_RP_ID_MISMATCH");
    await stepUp(doctor, device.assert(await challengeFor(doctor), { counter: 7 }));
    expect(await refused({ counter: 7 })).toBe("WEBAUTHN_COUNTER_REGRESSED");
    expect(await refused({ counter: 3 })).toBe("WEBAUTHN_COUNTER_REGRESSED");
    // Another device claiming this passkey's id signs with its own key: the signature does not verify.
    expect(await refused({ credentialId: device.credentialId, counter: 99 }, new SoftAuthenticator())).toBe("WEBAUTHN_SIGNATURE_INVALID");
    expect(await refusedWith(h.store, () => stepUp(doctor, "{not json"))).toBe("WEBAUTHN_RESPONSE_INVALID");
  });

  it("IDN-03: an unknown credential, or another physician's, is not this account's passkey", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor } = await withPasskey();
    const { device: othersDevice } = await withPasskey(AFTER_V2, OTHER_DOCTOR, "dr.li");
    const options = await challengeFor(doctor);
    expect(await refusedWith(h.store, () => stepUp(doctor, othersDevice.assert(options)))).toBe("PASSKEY_NOT_REGISTERED");
    expect(await refusedWith(h.store, () => stepUp(doctor, new SoftAuthenticator().assert(options)))).toBe("PASSKEY_NOT_REGISTERED");
  });

  it("IDN-03: registration needs a recent login and user verification; the same passkey is registered once", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const doctor = await h.physician(DOCTOR, "dr.wang");
    const device = new SoftAuthenticator();
    const options = (await h.passkeys.startRegistration(doctor, { requestId: rid() })).optionsJson;
    expect(JSON.parse(options)).toMatchObject({ rp: { id: "localhost" }, authenticatorSelection: { userVerification: "required" } });
    expect(await refusedWith(h.store, () => h.passkeys.finishRegistration(doctor, { requestId: rid(), response: device.register(options, { userVerified: false }) }))).toBe("WEBAUTHN_USER_NOT_VERIFIED");
    expect(await refusedWith(h.store, () => h.passkeys.finishRegistration(doctor, { requestId: rid(), response: device.register(options, { origin: "https://evil.example" }) }))).toBe("WEBAUTHN_ORIGIN_MISMATCH");
    await h.passkeys.finishRegistration(doctor, { requestId: rid(), response: device.register(options) });
    const again = (await h.passkeys.startRegistration(doctor, { requestId: rid() })).optionsJson;
    expect(await refusedWith(h.store, () => h.passkeys.finishRegistration(doctor, { requestId: rid(), response: device.register(again) }))).toBe("PASSKEY_ALREADY_REGISTERED");
    h.now = new Date(h.now.getTime() + 11 * 60_000);
    expect(await refusedWith(h.store, () => h.passkeys.startRegistration(doctor, { requestId: rid() }))).toBe("RECENT_LOGIN_REQUIRED");
  });

  it("IDN-03: a step-up challenge needs a registered passkey and a human clinician in their session", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const doctor = await h.physician(DOCTOR, "dr.wang");
    expect(await refusedWith(h.store, () => startFor(doctor))).toBe("PASSKEY_NOT_REGISTERED");
    const bot = { ...doctor, principal: { ...doctor.principal, kind: "service" as const } };
    expect(await refusedWith(h.store, () => startFor(bot))).toBe("HUMAN_CLINICIAN_REQUIRED");
    // Who may step up is decided before what is asked: another role with a malformed object is refused as a role.
    const admin = { ...doctor, principal: { ...doctor.principal, roles: ["institution_admin" as const] } };
    const malformed = () => h.passkeys.startStepUp(admin, { requestId: rid(), consultId: "", objectKind: "", objectId: "" });
    expect(await refusedWith(h.store, malformed)).toBe("ROLE_NOT_ALLOWED");
  });

  it("IDN-03 (issue 15): a step-up is kept in the stream of its object in the session, so no stream grows with every consult", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const accountStream = `identity-account-${DOCTOR}`;
    const sessionStream = `identity-session-${doctor.principal.sessionId ?? ""}`;
    const before = { account: (await h.store.readStream(accountStream)).length, session: (await h.store.readStream(sessionStream)).length };
    for (const id of ["consult-0001", "consult-0002", "consult-0003"]) {
      const object = { kind: "CONSULT", id } as const;
      await stepUp(doctor, device.assert(await challengeFor(doctor, object)), "WEBAUTHN", object);
      await h.accounts.requireClinicalSession(doctor, DOCTOR, object);
      const own = await h.store.readStream(`identity-stepup-${doctor.principal.sessionId ?? ""}-CONSULT-${id}`);
      expect(own.map((event) => event.type)).toEqual(["WebAuthnChallengeIssued", "SteppedUp"]);
    }
    expect((await h.store.readStream(accountStream)).length).toBe(before.account);
    // Activity is recorded at most once a minute, and the clock does not move here.
    expect((await h.store.readStream(sessionStream)).length).toBe(before.session);
    const uses = await h.store.readStream(`identity-passkey-${device.credentialId}`);
    expect(uses.map((event) => event.data["counter"])).toEqual([1, 2, 3]);
  });

  it("IDN-03 (issue 15): a step-up's challenge and the step-up each read the account's own stream once", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const reads = vi.spyOn(h.store, "readStream");
    const ownReads = () => reads.mock.calls.filter(([streamId]) => streamId === `identity-account-${DOCTOR}`).length;
    const optionsJson = await challengeFor(doctor);
    expect(ownReads()).toBe(1);
    await stepUp(doctor, device.assert(optionsJson));
    expect(ownReads()).toBe(2);
    reads.mockRestore();
  });

  it("IDN-03 (reqcpu): a step-up's challenge and the step-up read the session's, the step-up's and the passkey's streams once each", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const session = `identity-session-${String(doctor.principal.sessionId)}`;
    const stepUps = `identity-stepup-${String(doctor.principal.sessionId)}-CONSULT-${CONSULT.id}`;
    const passkey = `identity-passkey-${device.credentialId}`;
    const reads = vi.spyOn(h.store, "readStream");
    const readsOf = () => Object.fromEntries([session, stepUps, passkey].map((id) => [id, reads.mock.calls.filter(([streamId]) => streamId === id).length]));
    const optionsJson = await challengeFor(doctor);
    expect(readsOf()).toEqual({ [session]: 1, [stepUps]: 1, [passkey]: 0 });
    reads.mockClear();
    await stepUp(doctor, device.assert(optionsJson));
    // The holder check reads them; the step-up (on the step-up's stream), the passkey's use (on its own) and the
    // session's activity (on the session's) are decided on those reads, each still guarded by its stream's revision.
    expect(readsOf()).toEqual({ [session]: 1, [stepUps]: 1, [passkey]: 1 });
    reads.mockRestore();
    expect((await h.accounts.requireClinicalSession(doctor, DOCTOR, CONSULT)).stepUpId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("IDN-03: a challenge answered twice at once steps up once; the other answer is refused, whatever it read before", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    const optionsJson = await challengeFor(doctor);
    const assertion = device.assert(optionsJson);
    const outcomes = await Promise.allSettled([stepUp(doctor, assertion), stepUp(doctor, assertion)]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const stepUps = `identity-stepup-${String(doctor.principal.sessionId)}-CONSULT-${CONSULT.id}`;
    expect((await h.store.readStream(stepUps)).filter((event) => event.type === "SteppedUp")).toHaveLength(1);
    const uses = await h.store.readStream(`identity-passkey-${device.credentialId}`);
    expect(uses.map((event) => event.data["counter"])).toEqual([1]);
  });

  it("IDN-08 (reqcpu): a clinical session check reads the session's stream once, and records activity at most once a minute", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    await stepUp(doctor, device.assert(await challengeFor(doctor)));
    const sessionStream = `identity-session-${String(doctor.principal.sessionId)}`;
    const reads = vi.spyOn(h.store, "readStream");
    const sessionReads = () => reads.mock.calls.filter(([streamId]) => streamId === sessionStream).length;
    const active = async () => (await h.store.readStream(sessionStream)).filter((event) => event.type === "SessionActive").length;
    const recorded = await active();
    reads.mockClear();
    await h.accounts.requireClinicalSession(doctor, DOCTOR, CONSULT);
    expect(sessionReads()).toBe(1);
    expect(await active()).toBe(recorded);
    // Two minutes on, the check records the activity (IDN-08's idle limit counts from it).
    h.now = new Date(h.now.getTime() + 2 * 60_000);
    reads.mockClear();
    await h.accounts.requireClinicalSession(doctor, DOCTOR, CONSULT).catch(() => undefined);
    // Recorded on the session's stream as the check read it: no second read.
    expect(sessionReads()).toBe(1);
    expect(await active()).toBe(recorded + 1);
    reads.mockRestore();
  });

  it("IDN-03 (issue 15): a passkey's counter is checked against its last recorded use, in whatever session or for whatever object", async () => {
    h = await passkeyHarness("national", AFTER_V2);
    const { doctor, device } = await withPasskey();
    await stepUp(doctor, device.assert(await challengeFor(doctor), { counter: 7 }));
    const other = { kind: "CONSULT", id: "consult-0002" } as const;
    const forOther = await challengeFor(doctor, other);
    expect(await refusedWith(h.store, () => stepUp(doctor, device.assert(forOther, { counter: 6 }), "WEBAUTHN", other))).toBe("WEBAUTHN_COUNTER_REGRESSED");
    const relogged = await h.accounts.login({ loginName: "dr.wang", password: PASSWORD }, {}, "corr-2");
    const next = { ...doctor, principal: { ...doctor.principal, sessionId: relogged.sessionId } };
    const options = await challengeFor(next);
    expect(await refusedWith(h.store, () => stepUp(next, device.assert(options, { counter: 5 })))).toBe("WEBAUTHN_COUNTER_REGRESSED");
    expect((await stepUp(next, device.assert(await challengeFor(next), { counter: 8 }))).sessionId).toBe(relogged.sessionId);
    const [last] = await h.store.readStream(`identity-passkey-${device.credentialId}`, { last: true });
    expect(last?.data).toMatchObject({ counter: 8, sessionId: relogged.sessionId });
  });
});
