import { createHmac } from "node:crypto";
import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail, createLogger, type Principal } from "@ihp/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_REGISTRY_FILE, openFileRegistry } from "../src/adapters/registry/fileRegistry.js";
import type { Caller } from "../src/application/caller.js";
import { createInstitutionCommands } from "../src/application/institutionCommands.js";
import { createIdNumberSealer } from "../src/application/practitioners/idNumberSealer.js";
import { createPractitionerAccess } from "../src/application/practitioners/practitionerAccess.js";
import type { PractitionerAccess } from "../src/application/sessions/practitionerAccessPort.js";
import {
  createPractitionerCommands,
  type PractitionerCommands,
  type RegisterPractitionerInput,
} from "../src/application/practitioners/practitionerCommands.js";
import { refusalCode } from "./support/fixtures.js";

// PractitionerAccess as ClinicalAccessService and signing use it: on a real store, with the practitioner written by
// the real command handlers (document check instead of face match: no face-match tenant here).

const NOW = new Date("2026-03-02T02:00:00Z");
let store: SqliteEventStore;
let commands: PractitionerCommands;
let access: PractitionerAccess;
let institutionId: string;
let institutions: ReturnType<typeof createInstitutionCommands>;
let clock = (): Date => NOW;
let requests = 0;

function caller(principal: Partial<Principal>): Caller {
  return {
    principal: { subject: "u-admin", roles: ["institution_admin"], tenantId: institutionId, kind: "human", ...principal },
    correlationId: "corr-access-test",
    trace: {},
  };
}
const rid = (): string => `access-test-${String(++requests).padStart(4, "0")}`;

beforeEach(async () => {
  clock = () => NOW;
  store = SqliteEventStore.open({ path: ":memory:" });
  const audit = createAuditTrail({ store, context: "identity", clock: () => clock(), newId: uuidv7 });
  institutions = createInstitutionCommands({ store, audit, clock: () => clock(), newEventId: uuidv7 });
  const system = { principal: { subject: "svc", roles: ["system"], tenantId: "platform", kind: "service" }, correlationId: "c-1", trace: {} } as const;
  const { institution } = await institutions.register(system, {
    requestId: rid(),
    name: "天津市示范互联网医院",
    grade: "TERTIARY_A",
    licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
    subjectCodes: ["03", "07"],
    jurisdiction: "tianjin",
    hostInstitutionName: "天津市示范医院",
    hostLicenceNumber: "PDY00001X12010217A0001",
  });
  institutionId = institution.institutionId;
  commands = createPractitionerCommands({
    store,
    audit,
    clock: () => clock(),
    newEventId: uuidv7,
    sealer: createIdNumberSealer(Buffer.alloc(32, 1)),
    registry: await openFileRegistry(DEMO_REGISTRY_FILE),
    faceMatch: { verify: () => Promise.resolve({ matched: false }) },
    faceMatchTenants: new Set(),
    logger: createLogger({ name: "identity", level: "silent" }),
    personIndex: (value) => createHmac("sha256", "test-index-key").update(value).digest("hex"),
  });
  access = createPractitionerAccess({ store, newEventId: uuidv7 });
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

const ZHAO: Omit<RegisterPractitionerInput, "requestId" | "institutionId"> = {
  ...WANG,
  name: "赵药师",
  idNumber: "11010519850708002X",
  profession: "PHARMACIST",
  practice: {
    title: "主管药师",
    licenceNumber: "ZY00120190001",
    licenceValidUntil: "",
    scopeCodes: ["PHARMACY"],
    departmentCodes: [],
    dispensingYears: 3,
    affiliation: "IN_HOUSE",
  },
};

async function enabledPractitioner(details = WANG): Promise<string> {
  const admin = caller({});
  const { practitioner } = await commands.register(admin, { ...details, requestId: rid(), institutionId });
  const ref = () => ({ requestId: rid(), practitionerId: practitioner.practitionerId });
  await commands.verifyRegistration(admin, ref());
  await commands.verifyIdentity(admin, { ...ref(), evidence: "ADMIN-DOC-CHECK-1" });
  await commands.recordDocument(admin, { ...ref(), kind: "REGISTERING_INSTITUTION_CONSENT", reference: "CONSENT-1" });
  const enabled = await commands.enable(admin, ref());
  expect(enabled.practitioner.status).toBe("ACTIVE");
  return practitioner.practitionerId;
}


describe("PractitionerAccess", () => {
  it("IDN-01/IDN-06: an enabled physician may receive in their department, not outside it, unknown ids never", async () => {
    const id = await enabledPractitioner();
    const check = { practitionerId: id, institutionId, departmentCode: "03.07", now: NOW };
    expect(await access.requireReceiving(check)).toEqual({ profession: "PHYSICIAN", regulatorConnected: false });
    expect(await refusalCode(access.requireReceiving({ ...check, departmentCode: "07" }))).toBe("OUT_OF_SCOPE");
    expect(await refusalCode(access.requireReceiving({ ...check, practitionerId: "not-an-id" }))).toBe("CLINICIAN_NOT_REGISTERED");
  });

  it("REP-01: the receiving check answers the institution's regulator connection as it reads it, a change at the next check", async () => {
    const id = await enabledPractitioner();
    const check = { practitionerId: id, institutionId, departmentCode: "03.07", now: NOW };
    const system = { principal: { subject: "svc", roles: ["system"], tenantId: "platform", kind: "service" }, correlationId: "c-2", trace: {} } as const;
    const connect = (connected: boolean) =>
      institutions.setRegulatorConnection(system, { requestId: rid(), institutionId, connected, platformReference: connected ? "TJ-JG-2026-0042" : "" });
    await connect(true);
    try {
      expect(await access.requireReceiving(check)).toEqual({ profession: "PHYSICIAN", regulatorConnected: true });
      await connect(false);
      expect(await access.requireReceiving(check)).toEqual({ profession: "PHYSICIAN", regulatorConnected: false });
    } finally {
      await connect(false);
    }
  });

  it("IDN-01: suspension ends receiving and signing at once", async () => {
    const id = await enabledPractitioner();
    await commands.suspend(caller({}), { requestId: rid(), practitionerId: id, reason: "COMPLAINT_UNDER_REVIEW" });
    expect(await refusalCode(access.requireReceiving({ practitionerId: id, institutionId, departmentCode: "03.07", now: NOW }))).toBe(
      "PRACTITIONER_SUSPENDED",
    );
    expect(await access.signer(id, NOW)).toEqual({ name: "王示范", profession: "PHYSICIAN", institutionId, active: false });
  });

  it("IDN-01: an expired licence is refused at check time and CredentialExpired is recorded once, with a staff record", async () => {
    const id = await enabledPractitioner();
    const later = new Date("2031-01-05T02:00:00Z");
    clock = () => later;
    const check = { practitionerId: id, institutionId, departmentCode: "03.07", now: later };
    expect(await refusalCode(access.requireReceiving(check))).toBe("CREDENTIAL_EXPIRED");
    expect(await refusalCode(access.requireReceiving(check))).toBe("CREDENTIAL_EXPIRED");
    const types = (await store.readStream(`identity-practitioner-${id}`)).map((event) => event.type);
    expect(types.filter((type) => type === "CredentialExpired")).toHaveLength(1);
    expect(types.at(-1)).toBe("StaffRecordChanged");
    expect((await access.signer(id, later))?.active).toBe(false);
  });

  it("PHA-02: a pharmacist with 3 recorded dispensing years may review; with 2 years or as a physician, not", async () => {
    const zhao = await enabledPractitioner(ZHAO);
    expect(await access.requireReviewer({ pharmacistId: zhao, institutionId, now: NOW })).toEqual({
      affiliation: "IN_HOUSE",
      dispensingYears: 3,
    });
    await commands.changePractice(caller({}), {
      requestId: rid(),
      practitionerId: zhao,
      practice: { ...ZHAO.practice, dispensingYears: 2 },
    });
    expect(await refusalCode(access.requireReviewer({ pharmacistId: zhao, institutionId, now: NOW }))).toBe("REVIEWER_NOT_QUALIFIED");
    const wang = await enabledPractitioner();
    expect(await refusalCode(access.requireReviewer({ pharmacistId: wang, institutionId, now: NOW }))).toBe("REVIEWER_NOT_QUALIFIED");
  });

  it("signer: unknown practitioners are undefined; an active one may sign", async () => {
    expect(await access.signer("0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f00", NOW)).toBeUndefined();
    const id = await enabledPractitioner();
    expect(await access.signer(id, NOW)).toEqual({ name: "王示范", profession: "PHYSICIAN", institutionId, active: true });
  });
});
