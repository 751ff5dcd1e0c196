import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEnvelope } from "@ihp/contracts";
import {
  HospitalGrade,
  InstitutionServiceService,
  PharmacistAffiliation,
  PracticeDocumentKind,
  type PractitionerDetails,
  PractitionerServiceService,
  PractitionerStatus,
  Profession,
  RegistryFailure,
  StaffRecordChanged,
} from "@ihp/contracts/identity";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { type BusMessage, type Consumer, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { filesContaining, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signFaceMatch } from "../src/adapters/faceMatch/offlineFaceMatch.js";
import { institutionIdFor } from "../src/application/ids.js";
import { identityConfigSchema, type IdentityService, startIdentityService } from "../src/index.js";
import { refusalOf, ServiceClient } from "./support/client.js";

const NOW = new Date("2026-03-02T02:00:00Z");
const FACE_KEY = Buffer.alloc(32, 9);
const INSTITUTION_REQUEST = "pract-int-institution-1";
const INSTITUTION_ID = institutionIdFor(INSTITUTION_REQUEST);
/** The demo registry's 王示范 (registered) and 李停业 (suspended). */
const WANG_ID_NUMBER = "110105198001010016";

let dataDir: string;
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let consumer: Consumer;
let service: IdentityService;
let institutions: ServiceClient<typeof InstitutionServiceService>;
let client: ServiceClient<typeof PractitionerServiceService>;
let log: SqliteEventStore;
const published: BusMessage[] = [];
let requests = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "identity-pract-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  bus = new InProcessBus();
  consumer = await bus.consume({ durable: "pract-test", subjects: ["ihp.identity.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });
  const config = loadConfig(identityConfigSchema, {
    SERVICE_NAME: "identity",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "1000",
    FACE_MATCH_TENANTS: INSTITUTION_ID,
    FACE_MATCH_HMAC_KEY: FACE_KEY.toString("hex"),
  });
  service = await startIdentityService({
    config,
    bus,
    verifier,
    clock: () => new Date(NOW),
    logger: createLogger({ name: "identity", level: "silent" }),
  });
  institutions = new ServiceClient(InstitutionServiceService, service.grpcPort);
  client = new ServiceClient(PractitionerServiceService, service.grpcPort);
  log = SqliteEventStore.open({ path: join(dataDir, "identity-events.sqlite") });
  await institutions.call(
    "registerInstitution",
    {
      requestId: INSTITUTION_REQUEST,
      name: "天津市示范互联网医院",
      grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
      licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
      subjectCodes: ["03", "07"],
      jurisdiction: "tianjin",
      hostInstitutionName: "天津市示范医院",
      hostLicenceNumber: "PDY00001X12010217A0001",
    },
    await token(["system"], "platform", "svc-operator"),
  );
});

afterAll(async () => {
  client?.close();
  institutions?.close();
  await service?.stop();
  await log?.close();
  await consumer?.stop();
  await bus?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function token(roles: readonly Role[], tenantId: string, subject = "u-admin"): Promise<string> {
  return issuer.issue({ subject, roles, tenantId });
}
const admin = (): Promise<string> => token(["institution_admin"], INSTITUTION_ID);
const requestId = (): string => `pract-int-${String(++requests).padStart(4, "0")}`;

function wang(overrides: Partial<PractitionerDetails> = {}): PractitionerDetails {
  return {
    name: "王示范",
    idNumber: WANG_ID_NUMBER,
    profession: Profession.PROFESSION_PHYSICIAN,
    practiceLicenceNumber: "110120000012345",
    licenceValidUntil: "2030-12-31",
    title: "主治医师",
    scopeCodes: ["INTERNAL_MEDICINE"],
    departmentCodes: ["03.07"],
    mainInstitutionName: "天津市示范医院",
    mainInstitutionIsHost: true,
    practiceStartedOn: "2020-07-01",
    photoHash: "b".repeat(64),
    dispensingYears: 0,
    affiliation: PharmacistAffiliation.PHARMACIST_AFFILIATION_UNSPECIFIED,
    ...overrides,
  };
}

async function register(details: PractitionerDetails) {
  const { practitioner } = await client.call(
    "registerPractitioner",
    { requestId: requestId(), institutionId: INSTITUTION_ID, details },
    await admin(),
  );
  return practitioner!;
}

function staffRecords(): StaffRecordChanged[] {
  return published
    .filter((message) => message.subject === "ihp.identity.v1.StaffRecordChanged")
    .map((message) => StaffRecordChanged.decode(EventEnvelope.decode(message.data).payload));
}

async function publicNames(): Promise<string[]> {
  const page = await client.call("listPublicClinicians", { institutionId: INSTITUTION_ID, page: undefined });
  return page.clinicians.map((clinician) => clinician.name);
}

describe("PractitionerService over gRPC", () => {
  let wangId = "";

  it("registers a physician PENDING and never returns or stores the ID number in clear (REP-03)", async () => {
    const practitioner = await register(wang());
    wangId = practitioner.practitionerId;
    expect(practitioner.status).toBe(PractitionerStatus.PRACTITIONER_STATUS_PENDING);
    expect(practitioner.details?.idNumber).toBe("");
    expect(practitioner.registryVerified).toBe(false);
    const stored = await log.readStream(`identity-practitioner-${wangId}`);
    expect(JSON.stringify(stored.map((event) => [event.data, event.metadata]))).not.toContain(WANG_ID_NUMBER);
    expect(stored.map((event) => event.type)).toEqual(["PractitionerRegistered"]);
  });

  it("IDN-01/IDN-04/IDN-06/REP-03: bad input gets a clear code and registers nobody", async () => {
    const cases: [Partial<PractitionerDetails>, string][] = [
      [{ practiceLicenceNumber: "1101-2000" }, "INVALID_PRACTICE_LICENCE_NUMBER"],
      [{ departmentCodes: ["03.99"] }, "UNKNOWN_DEPARTMENT"],
      [{ departmentCodes: ["05"] }, "OUT_OF_SCOPE"],
      [{ practiceStartedOn: "2026-03-03" }, "INVALID_PRACTICE_START"],
      [{ idNumber: "110105198001010017" }, "INVALID_STAFF_ID_NUMBER"],
      [{ profession: Profession.PROFESSION_UNSPECIFIED }, "UNKNOWN_PROFESSION"],
    ];
    for (const [overrides, code] of cases) {
      const refusal = await refusalOf(register(wang(overrides)));
      expect(refusal.code).toBe(code);
    }
    await waitFor(async () => (await listed()).length === 1, 5_000, "the registration in the read model");
    expect((await listed()).map((entry) => entry.practitionerId)).toEqual([wangId]);
  });

  async function listed() {
    const page = await client.call("listPractitioners", { institutionId: INSTITUTION_ID, page: undefined }, await admin());
    return page.practitioners;
  }

  it("IDN-01: enabling before a registry confirmation fails with CLINICIAN_NOT_REGISTERED; the demo registry confirms", async () => {
    const refusal = await refusalOf(client.call("enablePractitioner", { requestId: requestId(), practitionerId: wangId }, await admin()));
    expect(refusal.code).toBe("CLINICIAN_NOT_REGISTERED");
    const { practitioner } = await client.call("verifyRegistration", { requestId: requestId(), practitionerId: wangId }, await admin());
    expect(practitioner).toMatchObject({ registryVerified: true, eLicenceReference: "DEMO-EL-PHY-0001", registryFailure: RegistryFailure.REGISTRY_FAILURE_UNSPECIFIED });
  });

  it("IDN-01: a registry entry showing suspension leaves the practitioner UNVERIFIED", async () => {
    const li = await register(
      wang({ name: "李停业", idNumber: "110105198203040010", practiceLicenceNumber: "110120000067890" }),
    );
    const { practitioner } = await client.call(
      "verifyRegistration",
      { requestId: requestId(), practitionerId: li.practitionerId },
      await admin(),
    );
    expect(practitioner).toMatchObject({ registryVerified: false, registryFailure: RegistryFailure.REGISTRY_FAILURE_SUSPENDED });
  });

  it("IDN-02: on a face-match tenant only a signed face match verifies; a document check is refused", async () => {
    const refused = await refusalOf(
      client.call("verifyIdentity", { requestId: requestId(), practitionerId: wangId, evidence: "ADMIN-CHECK-1" }, await admin()),
    );
    expect(refused.code).toBe("FACE_MATCH_FAILED");
    const evidence = signFaceMatch(FACE_KEY, { sub: wangId, result: "MATCH", ref: "FM-0001", iat: NOW.getTime() });
    const { practitioner } = await client.call(
      "verifyIdentity",
      { requestId: requestId(), practitionerId: wangId, evidence },
      await admin(),
    );
    expect(practitioner!.identityVerified).toBe(true);
  });

  it("IDN-04 / REP-03: enabling needs the consent document; then ACTIVE, a staff record on the bus, in the directory", async () => {
    const missing = await refusalOf(client.call("enablePractitioner", { requestId: requestId(), practitionerId: wangId }, await admin()));
    expect(missing.code).toBe("CONSENT_DOCUMENT_MISSING");
    await client.call(
      "recordPracticeDocument",
      {
        requestId: requestId(),
        practitionerId: wangId,
        kind: PracticeDocumentKind.PRACTICE_DOCUMENT_KIND_REGISTERING_INSTITUTION_CONSENT,
        reference: "CONSENT-2026-001",
      },
      await admin(),
    );
    const { practitioner } = await client.call("enablePractitioner", { requestId: requestId(), practitionerId: wangId }, await admin());
    expect(practitioner!.status).toBe(PractitionerStatus.PRACTITIONER_STATUS_ACTIVE);

    await waitFor(() => staffRecords().length === 1, 5_000, "the staff record on the bus");
    expect(staffRecords()[0]).toMatchObject({
      practitionerId: wangId,
      institutionId: INSTITUTION_ID,
      change: "ENABLED",
      profession: Profession.PROFESSION_PHYSICIAN,
      name: "王示范",
      idNumber: WANG_ID_NUMBER,
      practiceLicenceNumber: "110120000012345",
      departmentCodes: ["03.07"],
      practiceStartedOn: "2020-07-01",
      active: true,
    });

    await waitFor(async () => (await publicNames()).includes("王示范"), 5_000, "the clinician in the public directory");
    const page = await client.call("listPublicClinicians", { institutionId: "", page: { first: 10, after: "" } });
    // IDN-10: name, scope, licence number and e-licence of enabled clinicians only (李停业 is pending).
    expect(page.clinicians).toEqual([
      {
        practitionerId: wangId,
        institutionId: INSTITUTION_ID,
        name: "王示范",
        profession: Profession.PROFESSION_PHYSICIAN,
        title: "主治医师",
        scopeCodes: ["INTERNAL_MEDICINE"],
        departmentCodes: ["03.07"],
        practiceLicenceNumber: "110120000012345",
        eLicenceReference: "DEMO-EL-PHY-0001",
      },
    ]);
    // Issue 10, XC-01: the directory shows the name (above); identity's log and read model keep it sealed.
    expect(await filesContaining(dataDir, ["王示范", WANG_ID_NUMBER])).toEqual([]);
  });

  it("REP-03: changing an enabled practitioner emits a CHANGED staff record", async () => {
    const { practitioner } = await client.call(
      "changePractice",
      {
        requestId: requestId(),
        practitionerId: wangId,
        title: "副主任医师",
        practiceLicenceNumber: "110120000012345",
        licenceValidUntil: "2030-12-31",
        scopeCodes: ["INTERNAL_MEDICINE"],
        departmentCodes: ["03.07", "03.02"],
        dispensingYears: 0,
        affiliation: PharmacistAffiliation.PHARMACIST_AFFILIATION_UNSPECIFIED,
      },
      await admin(),
    );
    expect(practitioner!.details?.departmentCodes).toEqual(["03.02", "03.07"]);
    await waitFor(() => staffRecords().length === 2, 5_000, "the CHANGED staff record");
    expect(staffRecords()[1]).toMatchObject({ change: "CHANGED", title: "副主任医师", active: true });
  });

  it("authorization: admins of other institutions are refused; a practitioner reads their own record only", async () => {
    const otherAdmin = await token(["institution_admin"], "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f99");
    expect((await refusalOf(client.call("getPractitioner", { practitionerId: wangId }, otherAdmin))).code).toBe("TENANT_MISMATCH");
    const self = await token(["physician"], INSTITUTION_ID, wangId);
    const { practitioner } = await client.call("getPractitioner", { practitionerId: wangId }, self);
    expect(practitioner!.practitionerId).toBe(wangId);
    const colleague = await token(["physician"], INSTITUTION_ID, "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f98");
    expect((await refusalOf(client.call("getPractitioner", { practitionerId: wangId }, colleague))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusalOf(client.call("suspendPractitioner", { requestId: requestId(), practitionerId: wangId, reason: "X1" }, self))).code).toBe(
      "ROLE_NOT_ALLOWED",
    );
  });

  it("IDN-10: a suspended clinician leaves the public directory; the staff record says SUSPENDED", async () => {
    const { practitioner } = await client.call(
      "suspendPractitioner",
      { requestId: requestId(), practitionerId: wangId, reason: "COMPLAINT_UNDER_REVIEW" },
      await admin(),
    );
    expect(practitioner!.status).toBe(PractitionerStatus.PRACTITIONER_STATUS_SUSPENDED);
    await waitFor(async () => (await publicNames()).length === 0, 5_000, "the directory without the suspended clinician");
    await waitFor(() => staffRecords().length === 3, 5_000, "the SUSPENDED staff record");
    expect(staffRecords()[2]).toMatchObject({ change: "SUSPENDED", active: false });
  });

  it("repeating a request id returns the first result and appends nothing", async () => {
    const id = requestId();
    const first = await client.call("reinstatePractitioner", { requestId: id, practitionerId: wangId }, await admin());
    const again = await client.call("reinstatePractitioner", { requestId: id, practitionerId: wangId }, await admin());
    expect(again).toEqual(first);
    expect(first.practitioner!.status).toBe(PractitionerStatus.PRACTITIONER_STATUS_ACTIVE);
  });
});
