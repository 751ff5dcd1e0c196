import { type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail, type Principal, type Role } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { type CareRelationships, createCareRelationships } from "../src/application/care/careRelationships.js";
import { standInIdentityVerifier } from "../src/application/patients/identityVerifier.js";
import { createPatientAccess, type PatientAccess } from "../src/application/patients/patientAccess.js";
import { createPatients, type Patients } from "../src/application/patients/patientCommands.js";
import { openPatientKeyRing } from "../src/application/patients/patientKeyRing.js";
import { createAccounts } from "../src/application/sessions/accounts.js";
import { PractitionerStandIn, residentId } from "./support/accessFixtures.js";
import { refusalCode } from "./support/fixtures.js";

// Issue 13 item 1: every patient operation checks the tenant of every patient it touches, not only the first one,
// and a refusal appends its audit record and nothing else.

const A = "0193a9f2-7c1d-8e4b-9a6f-00000000000a";
const B = "0193a9f2-7c1d-8e4b-9a6f-00000000000b";
const NOW = new Date("2026-03-02T02:00:00Z");

let store: SqliteEventStore;
let patients: Patients;
let access: PatientAccess;
let care: CareRelationships;
let requests = 0;
const rid = (): string => `tenancy-${String(++requests).padStart(6, "0")}`;

function as(subject: string, role: Role, tenantId: string, kind: Principal["kind"] = "human"): Caller {
  return { principal: { subject, roles: [role], tenantId, kind }, correlationId: "corr-tenancy", trace: {} };
}
const adminA = as("admin-a", "institution_admin", A);
const adminB = as("admin-b", "institution_admin", B);
const system = as("consult", "system", "platform", "service");

beforeEach(async () => {
  store = SqliteEventStore.open({ path: ":memory:" });
  const audit = createAuditTrail({ store, context: "identity", clock: () => NOW, newId: uuidv7 });
  const keys = await openPatientKeyRing(":memory:");
  const verifier = standInIdentityVerifier(uuidv7);
  const accounts = createAccounts({
    store,
    audit,
    clock: () => NOW,
    newId: uuidv7,
    blindIndex: keys.blindIndex,
    issuer: undefined,
    policy: { maxFailures: 5, lockoutMinutes: 15, idleMinutes: 30, stepUpMinutes: 10, challengeSeconds: 300 },
    tokenTtlMinutes: 60,
    practitioners: new PractitionerStandIn(),
    faceMatch: verifier,
    // No passkey step-ups here (test/passkeys.int.test.ts has them).
    passkeys: { verifyStepUp: () => Promise.reject(new Error("no passkeys in this test")) },
  });
  care = createCareRelationships({ store, newId: uuidv7, hoursAfterEnd: 72 });
  patients = createPatients({ store, audit, clock: () => NOW, newId: uuidv7, keys, verifier, accounts, care });
  access = createPatientAccess({ patients, audit, clock: () => NOW });
});
afterEach(() => store.close());

async function registerAt(institutionId: string, birthDate: string, sequence: string): Promise<string> {
  const patient = await patients.register(
    {
      requestId: rid(),
      institutionId,
      name: "张三",
      idType: "RESIDENT_ID_CARD",
      idNumber: residentId(birthDate, "110105", sequence),
      birthDate,
      sex: "F",
      loginName: "",
      password: "",
    },
    { correlationId: "corr-register", trace: {} },
  );
  return patient.patientId;
}

/** A verified adult of the institution. */
async function verifiedAdultAt(institutionId: string, admin: Caller, sequence: string): Promise<string> {
  const id = await registerAt(institutionId, "1985-04-01", sequence);
  await patients.verify(admin, { requestId: rid(), patientId: id, method: "IN_PERSON_DOCUMENT_CHECK", evidence: "" });
  return id;
}


/** Runs a refused call and returns its code, checking it appended exactly one AccessRefused and nothing else. */
async function refusal(work: () => Promise<unknown>): Promise<string> {
  const before = await readWholeLog(store);
  const code = await refusalCode(work());
  const added: StoredEvent[] = (await readWholeLog(store)).slice(before.length);
  expect(added.map((event) => event.type)).toEqual(["AccessRefused"]);
  expect(added[0]?.data).toMatchObject({ reason: code });
  return code;
}

describe("IDN-07 guardianship across institutions (issue 13 item 1)", () => {
  it("IDN-07 XC-02: an admin of B cannot link A's child to B's patient, nor verify that link; both refusals audited", async () => {
    const childOfA = await registerAt(A, "2019-06-01", "201");
    const patientOfB = await verifiedAdultAt(B, adminB, "301");
    const link = { childId: childOfA, guardianId: patientOfB, relationship: "PARENT", evidenceReference: "docs:hukou-1" };
    expect(await refusal(() => patients.linkGuardian(adminB, { requestId: rid(), ...link }))).toBe("TENANT_MISMATCH");
    // A's admin may not tie B's patient to A's child either: the guardian is another institution's patient.
    expect(await refusal(() => patients.linkGuardian(adminA, { requestId: rid(), ...link }))).toBe("TENANT_MISMATCH");
    // The guardian themself (a patient of B) cannot claim A's child.
    const guardianOfB = as(patientOfB, "patient", B);
    expect(await refusal(() => patients.linkGuardian(guardianOfB, { requestId: rid(), ...link }))).toBe("TENANT_MISMATCH");
    const verify = { childId: childOfA, guardianId: patientOfB, method: "HOUSEHOLD_REGISTER_CHECK" };
    expect(await refusal(() => patients.verifyGuardianship(adminB, { requestId: rid(), ...verify }))).toBe("TENANT_MISMATCH");
    expect(await refusal(() => patients.get(guardianOfB, childOfA))).toBe("ROLE_NOT_ALLOWED");
  });

  it("IDN-07: an admin of B cannot verify a link that A's admin made; A's admin can, and then the guardian reads the child", async () => {
    const childOfA = await registerAt(A, "2019-06-01", "202");
    const parentOfA = await verifiedAdultAt(A, adminA, "302");
    await patients.linkGuardian(adminA, { requestId: rid(), childId: childOfA, guardianId: parentOfA, relationship: "PARENT", evidenceReference: "docs:hukou-2" });
    const verify = { childId: childOfA, guardianId: parentOfA, method: "HOUSEHOLD_REGISTER_CHECK" };
    expect(await refusal(() => patients.verifyGuardianship(adminB, { requestId: rid(), ...verify }))).toBe("TENANT_MISMATCH");
    const parent = as(parentOfA, "patient", A);
    // An unverified link is only a claim: it opens nothing yet.
    expect(await refusal(() => patients.get(parent, childOfA))).toBe("ROLE_NOT_ALLOWED");
    await patients.verifyGuardianship(adminA, { requestId: rid(), ...verify });
    expect((await patients.get(parent, childOfA)).name).toBe("张三");
  });

  it("IDN-07: a patient who links themself to any child id reads nothing of the child before staff verify the link", async () => {
    const childOfA = await registerAt(A, "2019-06-01", "203");
    const stranger = await verifiedAdultAt(A, adminA, "303");
    const claimant = as(stranger, "patient", A);
    await patients.linkGuardian(claimant, { requestId: rid(), childId: childOfA, guardianId: stranger, relationship: "PARENT", evidenceReference: "docs:forged" });
    expect(await refusal(() => patients.get(claimant, childOfA))).toBe("ROLE_NOT_ALLOWED");
    expect(await refusal(() => access.getVerifiedPatient(claimant, childOfA))).toBe("ROLE_NOT_ALLOWED");
    const faceMatch = { requestId: rid(), patientId: childOfA, method: "ID_CARD_FACE_MATCH", evidence: "sdk-token" };
    expect(await refusal(() => patients.verify(claimant, faceMatch))).toBe("ROLE_NOT_ALLOWED");
  });

  it("IDN-07: an admin of B cannot verify A's patient in person; A's admin can", async () => {
    const patientOfA = await registerAt(A, "1990-01-01", "204");
    const check = { patientId: patientOfA, method: "IN_PERSON_DOCUMENT_CHECK", evidence: "" };
    expect(await refusal(() => patients.verify(adminB, { requestId: rid(), ...check }))).toBe("TENANT_MISMATCH");
    const verified = await patients.verify(adminA, { requestId: rid(), ...check });
    expect(verified.verification?.method).toBe("IN_PERSON_DOCUMENT_CHECK");
  });

  it("IDN-07: staff of B read neither A's patient's verified facts nor A's guardianships; services and A's staff do", async () => {
    const childOfA = await registerAt(A, "2019-06-01", "205");
    const parentOfA = await verifiedAdultAt(A, adminA, "305");
    await patients.verify(adminA, { requestId: rid(), patientId: childOfA, method: "IN_PERSON_DOCUMENT_CHECK", evidence: "" });
    const physicianOfB = as("doctor-b", "physician", B);
    expect(await refusal(() => access.getVerifiedPatient(physicianOfB, childOfA))).toBe("TENANT_MISMATCH");
    expect(await refusal(() => access.getVerifiedPatient(adminB, childOfA))).toBe("TENANT_MISMATCH");
    expect(await refusal(() => access.checkGuardian(physicianOfB, parentOfA, childOfA))).toBe("TENANT_MISMATCH");
    expect((await access.getVerifiedPatient(as("doctor-a", "physician", A), childOfA)).birthDate).toBe("2019-06-01");
    expect((await access.getVerifiedPatient(system, childOfA)).birthDate).toBe("2019-06-01");
    expect(await access.checkGuardian(system, parentOfA, childOfA)).toEqual({ verified: false, relationship: "" });
  });

  it("IDN-07: a patient token of another institution does not read a patient with the same subject elsewhere", async () => {
    const patientOfA = await registerAt(A, "1990-01-01", "206");
    const forgedTenant = as(patientOfA, "patient", B);
    expect(await refusal(() => patients.get(forgedTenant, patientOfA))).toBe("ROLE_NOT_ALLOWED");
    expect((await patients.get(as(patientOfA, "patient", A), patientOfA)).name).toBe("张三");
  });
});

describe("REC-09 the treating physician's read (issue 13 item 6)", () => {
  it("REC-09 XC-01: the treating physician's read is recorded (AccessRecorded); anyone else's refusal appends only its AccessRefused", async () => {
    const childOfA = await registerAt(A, "2019-06-01", "207");
    const doctor = as("0193a9f2-7c1d-8e4b-9a6f-00000000d0c1", "physician", A);
    expect(await refusal(() => patients.get(doctor, childOfA))).toBe("NO_CARE_RELATIONSHIP");
    await care.started(
      { consultId: "consult-7", institutionId: A, patientId: childOfA, physicianId: doctor.principal.subject, startedAt: NOW.toISOString() },
      { messageId: uuidv7(), correlationId: "corr-consult" },
    );
    const before = (await readWholeLog(store)).length;
    const view = await patients.get(doctor, childOfA);
    expect(view).toMatchObject({ name: "", maskedIdNumber: "", minimized: true });
    const added = (await readWholeLog(store)).slice(before);
    expect(added.map((event) => [event.type, event.data["action"], event.data["resource"]])).toEqual([["AccessRecorded", "GetPatient", `patient/${childOfA}`]]);
    expect(await refusal(() => patients.get(as("nurse-a", "nurse", A), childOfA))).toBe("ROLE_NOT_ALLOWED");
  });
});
