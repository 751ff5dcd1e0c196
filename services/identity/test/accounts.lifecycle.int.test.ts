import { type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { BuiltinIssuer, createAuditTrail, createLogger, type Principal } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_REGISTRY_FILE, openFileRegistry } from "../src/adapters/registry/fileRegistry.js";
import type { Caller } from "../src/application/caller.js";
import { createInstitutionCommands } from "../src/application/institutionCommands.js";
import { standInIdentityVerifier } from "../src/application/patients/identityVerifier.js";
import { openPatientKeyRing } from "../src/application/patients/patientKeyRing.js";
import { createIdNumberSealer } from "../src/application/practitioners/idNumberSealer.js";
import { createPractitionerAccess } from "../src/application/practitioners/practitionerAccess.js";
import {
  createPractitionerCommands,
  type PractitionerCommands,
  type RegisterPractitionerInput,
} from "../src/application/practitioners/practitionerCommands.js";
import { type Accounts, createAccounts } from "../src/application/sessions/accounts.js";
import { refusalCode } from "./support/fixtures.js";

// Issue 13: the account life cycle of staff (item 5) on the real practitioners slice and a real store.

const NOW = new Date("2026-03-02T02:00:00Z");
let now = NOW;
let store: SqliteEventStore;
let commands: PractitionerCommands;
let accounts: Accounts;
let institutionId: string;
let otherInstitutionId: string;
let requests = 0;
const rid = (): string => `lifecycle-${String(++requests).padStart(6, "0")}`;

function caller(principal: Partial<Principal> = {}): Caller {
  return {
    principal: { subject: "u-admin", roles: ["institution_admin"], tenantId: institutionId, kind: "human", ...principal },
    correlationId: "corr-lifecycle",
    trace: {},
  };
}
const system: Caller = { principal: { subject: "svc", roles: ["system"], tenantId: "platform", kind: "service" }, correlationId: "c-1", trace: {} };

async function registerInstitution(name: string, requestId: string): Promise<string> {
  const institutions = createInstitutionCommands({ store, audit: createAuditTrail({ store, context: "identity", clock: () => now, newId: uuidv7 }), clock: () => now, newEventId: uuidv7 });
  const { institution } = await institutions.register(system, {
    requestId,
    name,
    grade: "TERTIARY_A",
    licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
    subjectCodes: ["03", "07"],
    jurisdiction: "tianjin",
    hostInstitutionName: "天津市示范医院",
    hostLicenceNumber: "PDY00001X12010217A0001",
  });
  return institution.institutionId;
}

beforeEach(async () => {
  now = NOW;
  store = SqliteEventStore.open({ path: ":memory:" });
  const audit = createAuditTrail({ store, context: "identity", clock: () => now, newId: uuidv7 });
  institutionId = await registerInstitution("天津市示范互联网医院", "institution-request-a");
  otherInstitutionId = await registerInstitution("天津市另一互联网医院", "institution-request-b");
  const keys = await openPatientKeyRing(":memory:");
  commands = createPractitionerCommands({
    store,
    audit,
    clock: () => now,
    newEventId: uuidv7,
    sealer: createIdNumberSealer(Buffer.alloc(32, 1)),
    registry: await openFileRegistry(DEMO_REGISTRY_FILE),
    faceMatch: { verify: () => Promise.resolve({ matched: false }) },
    faceMatchTenants: new Set(),
    logger: createLogger({ name: "identity", level: "silent" }),
    personIndex: keys.blindIndex,
  });
  accounts = createAccounts({
    store,
    audit,
    clock: () => now,
    newId: uuidv7,
    blindIndex: keys.blindIndex,
    issuer: await BuiltinIssuer.create({ issuer: "urn:ihp:builtin", audience: "ihp", now: () => now }),
    policy: { maxFailures: 3, lockoutMinutes: 15, idleMinutes: 30, stepUpMinutes: 10, challengeSeconds: 300 },
    tokenTtlMinutes: 60,
    practitioners: createPractitionerAccess({ store, newEventId: uuidv7 }),
    faceMatch: standInIdentityVerifier(uuidv7),
    // No passkey step-ups here (test/passkeys.int.test.ts has them).
    passkeys: { verifyStepUp: () => Promise.reject(new Error("no passkeys in this test")) },
  });
});
afterEach(() => store.close());

const WANG: Omit<RegisterPractitionerInput, "requestId" | "institutionId"> = {
  name: "王示范",
  idNumber: "110105198001010016",
  profession: "PHYSICIAN",
  mainInstitutionName: "天津市示范医院",
  mainInstitutionIsHost: true,
  practiceStartedOn: "2020-07-01",
  photoHash: "c".repeat(64),
  practice: {
    title: "主治医师",
    licenceNumber: "110120000012345",
    licenceValidUntil: "2030-12-31",
    scopeCodes: ["INTERNAL_MEDICINE"],
    departmentCodes: ["03.07"],
    dispensingYears: 0,
    affiliation: "",
  },
};

async function registered(at = institutionId): Promise<string> {
  const { practitioner } = await commands.register(caller({ tenantId: at }), { ...WANG, requestId: rid(), institutionId: at });
  return practitioner.practitionerId;
}

async function enable(practitionerId: string): Promise<void> {
  const admin = caller();
  const ref = () => ({ requestId: rid(), practitionerId });
  await commands.verifyRegistration(admin, ref());
  await commands.verifyIdentity(admin, { ...ref(), evidence: "ADMIN-DOC-CHECK-1" });
  await commands.recordDocument(admin, { ...ref(), kind: "REGISTERING_INSTITUTION_CONSENT", reference: "CONSENT-1" });
  await commands.enable(admin, ref());
}


/** The refusal's code, checking that it appended exactly its AccessRefused and nothing else. */
async function refusal(work: () => Promise<unknown>): Promise<string> {
  const before = (await readWholeLog(store)).length;
  const code = await refusalCode(work());
  const added: StoredEvent[] = (await readWholeLog(store)).slice(before);
  expect(added.map((event) => event.type)).toEqual(["AccessRefused"]);
  expect(added[0]?.data).toMatchObject({ reason: code });
  return code;
}

const login = (password = "Doctor-pass-1") => accounts.login({ loginName: "dr.wang", password }, {}, "corr-login");

describe("IDN-08 staff account life cycle (issue 13 item 5)", () => {
  it("IDN-08: a PENDING practitioner gets no login; once enabled they do", async () => {
    const id = await registered();
    const set = () => ({ requestId: rid(), practitionerId: id, loginName: "dr.wang", password: "Doctor-pass-1" });
    expect(await refusal(() => accounts.setPractitionerPassword(caller(), set()))).toBe("PRACTITIONER_NOT_ACTIVE");
    expect(await refusalCode(login())).toBe("INVALID_CREDENTIALS");
    await enable(id);
    await accounts.setPractitionerPassword(caller(), set());
    expect((await login()).subjectId).toBe(id);
  });

  it("IDN-08: a suspended practitioner can neither log in nor step up; reinstated, they can again", async () => {
    const id = await registered();
    await enable(id);
    await accounts.setPractitionerPassword(caller(), { requestId: rid(), practitionerId: id, loginName: "dr.wang", password: "Doctor-pass-1" });
    const session = await login();
    const doctor: Caller = {
      principal: { subject: id, roles: ["physician"], tenantId: institutionId, kind: "human", sessionId: session.sessionId },
      correlationId: "corr-doctor",
      trace: {},
    };
    await commands.suspend(caller(), { requestId: rid(), practitionerId: id, reason: "COMPLAINT_UNDER_REVIEW" });
    expect(await refusal(() => login())).toBe("PRACTITIONER_SUSPENDED");
    const stepUp = { requestId: rid(), consultId: "consult-1", objectKind: "CONSULT", objectId: "consult-1", method: "PASSWORD", secret: "Doctor-pass-1" };
    expect(await refusal(() => accounts.stepUp(doctor, stepUp))).toBe("PRACTITIONER_SUSPENDED");
    // A wrong password still answers INVALID_CREDENTIALS: the status is told only to whoever knows the password.
    expect(await refusalCode(login("Wrong-pass-1"))).toBe("INVALID_CREDENTIALS");
    await commands.reinstate(caller(), { requestId: rid(), practitionerId: id });
    expect((await login()).subjectId).toBe(id);
  });

  it("XC-07: a completed step-up is an AccessRecorded StepUp in the day's audit stream (ids only); a failed one an AccessRefused", async () => {
    const id = await registered();
    await enable(id);
    await accounts.setPractitionerPassword(caller(), { requestId: rid(), practitionerId: id, loginName: "dr.wang", password: "Doctor-pass-1" });
    const session = await login();
    const doctor: Caller = {
      principal: { subject: id, roles: ["physician"], tenantId: institutionId, kind: "human", sessionId: session.sessionId },
      correlationId: "corr-step-up",
      trace: {},
    };
    const stepUp = (secret: string) => ({ requestId: rid(), consultId: "consult-1", objectKind: "CONSULT", objectId: "consult-1", method: "PASSWORD", secret });
    expect(await refusalCode(accounts.stepUp(doctor, stepUp("Wrong-pass-1")))).toBe("INVALID_CREDENTIALS");
    const { stepUpId } = await accounts.stepUp(doctor, stepUp("Doctor-pass-1"));
    const audit = (await store.readStream("identity-audit-2026-03-02")).filter((event) => event.data["action"] === "StepUp");
    expect(audit.map((event) => [event.type, event.data["reason"] ?? "", event.data["resource"]])).toEqual([
      ["AccessRefused", "INVALID_CREDENTIALS", `account/${id}`],
      ["AccessRecorded", "", `step-up/${stepUpId}`],
    ]);
    expect(audit[1]?.data).toEqual({ action: "StepUp", resource: `step-up/${stepUpId}`, ruleId: "IDN-03", roles: ["physician"] });
    expect(audit[1]?.metadata).toMatchObject({ actorId: id, tenantId: institutionId, correlationId: "corr-step-up" });
  });

  it("IDN-08: the same person cannot be registered twice in one institution; elsewhere, or after revocation, they can", async () => {
    const requestId = rid();
    const first = (await commands.register(caller(), { ...WANG, requestId, institutionId })).practitioner.practitionerId;
    const again = { ...WANG, requestId: rid(), institutionId, practice: { ...WANG.practice, title: "副主任医师" } };
    expect(await refusal(() => commands.register(caller(), again))).toBe("PRACTITIONER_DUPLICATE");
    // The same request id again is a repeat, answered with the first result, not a duplicate.
    expect((await commands.register(caller(), { ...WANG, requestId, institutionId })).practitioner.practitionerId).toBe(first);
    expect(await registered(otherInstitutionId)).not.toBe(first);
    await commands.revoke(caller(), { requestId: rid(), practitionerId: first, reason: "LICENCE_WITHDRAWN" });
    expect(await registered()).not.toBe(first);
  });

  it("IDN-08: a registration the rules refuse claims nothing, so the person can still be registered", async () => {
    const bad = { ...WANG, requestId: rid(), institutionId, photoHash: "not-a-hash" };
    expect(await refusal(() => commands.register(caller(), bad))).toBe("INVALID_PHOTO_HASH");
    expect(await registered()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("IDN-08 login throttling instead of a lock an outsider could set off (issue 13 item 13)", () => {
  async function doctorWithLogin(): Promise<string> {
    const id = await registered();
    await enable(id);
    await accounts.setPractitionerPassword(caller(), { requestId: rid(), practitionerId: id, loginName: "dr.wang", password: "Doctor-pass-1" });
    return id;
  }
  const from = (source: string, password = "Doctor-pass-1", loginName = "dr.wang") => accounts.login({ loginName, password, source }, {}, "corr-login");
  const advanceSeconds = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };

  it("IDN-08: an outsider hammering a known login from one source only ever waits longer, capped; the owner elsewhere signs in throughout", async () => {
    const id = await doctorWithLogin();
    let throttled = 0;
    // An hour of one attempt a second from the outsider's source.
    for (let second = 0; second < 3600; second += 1) {
      const code = await refusalCode(from("203.0.113.7", "Wrong-pass-1"));
      if (code === "LOGIN_THROTTLED") throttled += 1;
      else expect(code).toBe("INVALID_CREDENTIALS");
      advanceSeconds(1);
    }
    expect(throttled).toBeGreaterThan(3500);
    expect((await from("198.51.100.20")).subjectId).toBe(id);
    // Never a lasting lock: at most LOGIN_LOCKOUT_MINUTES (15) after its last counted failure the source may try again.
    advanceSeconds(15 * 60);
    expect((await from("203.0.113.7")).subjectId).toBe(id);
  });

  it("IDN-08: one source trying many login names is throttled across names (credential stuffing)", async () => {
    const id = await doctorWithLogin();
    for (let i = 0; i < 12; i++) expect(await refusalCode(from("203.0.113.9", "Wrong-pass-1", `user${i}@example.cn`))).toBe("INVALID_CREDENTIALS");
    expect(await refusalCode(from("203.0.113.9", "Doctor-pass-1"))).toBe("LOGIN_THROTTLED");
    expect((await from("198.51.100.21")).subjectId).toBe(id);
  });

  it("IDN-08: an administrator's password reset lifts the wait; a throttled attempt writes nothing", async () => {
    const id = await doctorWithLogin();
    for (let i = 0; i < 3; i++) expect(await refusalCode(from("", "Wrong-pass-1"))).toBe("INVALID_CREDENTIALS");
    const before = (await readWholeLog(store)).length;
    expect(await refusalCode(from(""))).toBe("LOGIN_THROTTLED");
    expect((await readWholeLog(store)).length).toBe(before);
    await accounts.setPractitionerPassword(caller(), { requestId: rid(), practitionerId: id, loginName: "dr.wang", password: "Doctor-pass-2" });
    expect((await from("", "Doctor-pass-2")).subjectId).toBe(id);
  });
});

describe("IDN-08 logins for administrators and pharmacy governance (issue 13 item 9)", () => {
  function claimsOf(token: string): { sub: string; roles: string[]; tenant: string } {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub: string; roles: string[]; tenant: string };
  }
  const signIn = (loginName: string, password: string) => accounts.login({ loginName, password, source: "198.51.100.30" }, {}, "corr-staff");
  const asSubject = (subject: string, role: "institution_admin" | "pharmacy_governance", tenantId: string): Caller => ({
    principal: { subject, roles: [role], tenantId, kind: "human" },
    correlationId: "corr-staff",
    trace: {},
  });

  it("IDN-08: the platform opens an institution's first administrator; their login carries the role and the institution", async () => {
    const first = { requestId: rid(), institutionId, role: "institution_admin", loginName: "admin@hospital-a", password: "Admin-pass-1" };
    const { subjectId } = await accounts.openStaffAccount(system, first);
    expect(await accounts.openStaffAccount(system, first)).toEqual({ subjectId });
    const session = await signIn("admin@hospital-a", "Admin-pass-1");
    expect(claimsOf(session.accessToken)).toMatchObject({ sub: subjectId, roles: ["institution_admin"], tenant: institutionId });

    // That administrator opens a pharmacy-governance login at home, and nothing anywhere else.
    const admin = asSubject(subjectId, "institution_admin", institutionId);
    const governance = { requestId: rid(), institutionId, role: "pharmacy_governance", loginName: "pharmacy.gov@hospital-a", password: "Gov-pass-1" };
    const officer = await accounts.openStaffAccount(admin, governance);
    expect(claimsOf((await signIn("pharmacy.gov@hospital-a", "Gov-pass-1")).accessToken)).toMatchObject({ roles: ["pharmacy_governance"], tenant: institutionId });
    const elsewhere = { ...governance, requestId: rid(), institutionId: otherInstitutionId, loginName: "gov@hospital-b" };
    expect(await refusal(() => accounts.openStaffAccount(admin, elsewhere))).toBe("TENANT_MISMATCH");
    expect(await refusal(() => accounts.openStaffAccount(admin, { ...governance, requestId: rid(), role: "system", loginName: "root@hospital-a" }))).toBe("INVALID_STAFF_ROLE");
    expect(await refusal(() => accounts.openStaffAccount(admin, { ...governance, requestId: rid(), role: "physician", loginName: "doc@hospital-a" }))).toBe("INVALID_STAFF_ROLE");
    const officerCaller = asSubject(officer.subjectId, "pharmacy_governance", institutionId);
    expect(await refusal(() => accounts.openStaffAccount(officerCaller, { ...governance, requestId: rid(), loginName: "gov2@hospital-a" }))).toBe("ROLE_NOT_ALLOWED");

    // Password resets: at home only, and only for these accounts.
    const adminOfB = asSubject("admin-b", "institution_admin", otherInstitutionId);
    expect(await refusal(() => accounts.setStaffPassword(adminOfB, { requestId: rid(), subjectId, password: "Taken-over-1" }))).toBe("TENANT_MISMATCH");
    await accounts.setStaffPassword(admin, { requestId: rid(), subjectId: officer.subjectId, password: "Gov-pass-2" });
    expect((await signIn("pharmacy.gov@hospital-a", "Gov-pass-2")).subjectId).toBe(officer.subjectId);
  });

  it("IDN-08: no staff account for an institution that does not exist", async () => {
    const missing = { requestId: rid(), institutionId: "0193a9f2-7c1d-8e4b-9a6f-0000000000ff", role: "institution_admin", loginName: "ghost@nowhere", password: "Admin-pass-1" };
    expect(await refusal(() => accounts.openStaffAccount(system, missing))).toBe("INSTITUTION_NOT_FOUND");
  });
});
