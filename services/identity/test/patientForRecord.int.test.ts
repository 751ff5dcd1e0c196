import { DomainError, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { ERASED } from "@ihp/keyring";
import { createAuditTrail, type Principal, type Role } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { createCareRelationships } from "../src/application/care/careRelationships.js";
import { standInIdentityVerifier } from "../src/application/patients/identityVerifier.js";
import { createPatients, type Patients } from "../src/application/patients/patientCommands.js";
import { createPatientForRecord, type GetPatientForRecord } from "../src/application/patients/patientForRecord.js";
import { openPatientKeyRing, type PatientKeyRing } from "../src/application/patients/patientKeyRing.js";
import { createAccounts } from "../src/application/sessions/accounts.js";
import { PractitionerStandIn, residentId } from "./support/accessFixtures.js";

// Issue 11 item 1: the records service drafts a record on a bus event and asks identity for the patient part of the
// header (name, birth date, sex) with its own credential. Only that credential is served.

const A = "0193a9f2-7c1d-8e4b-9a6f-00000000000a";
const B = "0193a9f2-7c1d-8e4b-9a6f-00000000000b";
const NOW = new Date("2026-03-02T02:00:00Z");

let store: SqliteEventStore;
let keys: PatientKeyRing;
let patients: Patients;
let forRecord: GetPatientForRecord;
let requests = 0;

function as(subject: string, roles: Role[], tenantId: string, kind: Principal["kind"]): Caller {
  return { principal: { subject, roles, tenantId, kind }, correlationId: "corr-for-record", trace: {} };
}
const records = as("svc:records", ["records"], "platform", "service");

beforeEach(async () => {
  store = SqliteEventStore.open({ path: ":memory:" });
  const audit = createAuditTrail({ store, context: "identity", clock: () => NOW, newId: uuidv7 });
  keys = await openPatientKeyRing(":memory:");
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
    passkeys: { verifyStepUp: () => Promise.reject(new Error("no passkeys in this test")) },
  });
  const care = createCareRelationships({ store, newId: uuidv7, hoursAfterEnd: 72 });
  patients = createPatients({ store, audit, clock: () => NOW, newId: uuidv7, keys, verifier, accounts, care });
  forRecord = createPatientForRecord({ patients, keys, audit });
});
afterEach(() => store.close());

async function registerAt(institutionId: string, sequence: string): Promise<string> {
  const patient = await patients.register(
    {
      requestId: `for-record-${String(++requests).padStart(6, "0")}`,
      institutionId,
      name: "王芳",
      idType: "RESIDENT_ID_CARD",
      idNumber: residentId("1985-04-01", "110105", sequence),
      birthDate: "1985-04-01",
      sex: "F",
      loginName: "",
      password: "",
    },
    { correlationId: "corr-register", trace: {} },
  );
  return patient.patientId;
}

/** Runs the read and returns the events it appended, with the answer or the refusal's code. */
async function read(caller: Caller, patientId: string, institutionId: string) {
  const before = (await readWholeLog(store)).length;
  let outcome: Awaited<ReturnType<GetPatientForRecord>> | string;
  try {
    outcome = await forRecord(caller, patientId, institutionId);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    outcome = error.code;
  }
  const added: StoredEvent[] = (await readWholeLog(store)).slice(before);
  return { outcome, added };
}

describe("GetPatientForRecord (REC-01 record header)", () => {
  it("REC-01, XC-01: the records service's credential reads name, birth date and sex of its institution's patient, and the read is recorded", async () => {
    const patientId = await registerAt(A, "401");
    const { outcome, added } = await read(records, patientId, A);
    expect(outcome).toEqual({ patientId, name: "王芳", birthDate: "1985-04-01", sex: "F", erased: false });
    expect(added.map((event) => event.type)).toEqual(["AccessRecorded"]);
    expect(added[0]?.data).toMatchObject({ action: "GetPatientForRecord", resource: `patient/${patientId}`, ruleId: "REC-01" });
    expect(JSON.stringify(added[0]?.data)).not.toContain("王芳");
  });

  it("REC-01: every other service credential and every person is refused with ROLE_NOT_ALLOWED, role checked before the input; only the refusal is recorded", async () => {
    const patientId = await registerAt(A, "402");
    const others = [
      as("svc:consult", ["system"], "platform", "service"),
      as("svc:his-a", ["integration"], A, "service"),
      as(patientId, ["patient"], A, "human"),
      as("physician-1", ["physician"], A, "human"),
      as("officer-1", ["records_officer"], A, "human"),
      // The records role on a person's token is not the records service.
      as("someone", ["records"], A, "human"),
    ];
    for (const caller of others) {
      for (const [id, institution] of [[patientId, A], ["not-an-id", "not-an-id"]] as const) {
        const { outcome, added } = await read(caller, id, institution);
        expect(outcome).toBe("ROLE_NOT_ALLOWED");
        expect(added.map((event) => event.type)).toEqual(["AccessRefused"]);
      }
    }
  });

  it("REC-01: a patient of another institution, or none, is PATIENT_NOT_FOUND", async () => {
    const patientOfB = await registerAt(B, "403");
    expect((await read(records, patientOfB, A)).outcome).toBe("PATIENT_NOT_FOUND");
    expect((await read(records, "0193a9f2-7c1d-8e4b-9a6f-0000000000ff", A)).outcome).toBe("PATIENT_NOT_FOUND");
    expect((await read(records, patientOfB, "bad")).outcome).toBe("INVALID_INSTITUTION_ID");
  });

  it("REC-01, PIPL art. 47: after the patient's key is destroyed the name is the erased marker", async () => {
    const patientId = await registerAt(A, "404");
    await keys.destroy(patientId);
    expect((await read(records, patientId, A)).outcome).toEqual({ patientId, name: ERASED, birthDate: "1985-04-01", sex: "F", erased: true });
  });
});
