import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultCompleted, ConsultStarted } from "@ihp/contracts/consult";
import { IdDocumentType, PatientServiceService, Sex } from "@ihp/contracts/identity";
import { type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { envelopedMessage, InProcessBus } from "@ihp/messaging";
import { type BuiltinIssuer, createLogger, loadConfig, openBuiltinIssuer } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityConfigSchema, startIdentityService } from "../src/index.js";
import { residentId } from "./support/accessFixtures.js";
import { refusalOf, ServiceClient } from "./support/client.js";

// Issue 13 item 6 at the service: identity learns care relationships from consult's integration events on the bus
// and lets the treating physician read the patient's minimized facts (REC-09); everyone else stays refused.

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-1234567890ab";
const PHYSICIAN = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const OTHER_PHYSICIAN = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c2";
let now = new Date("2026-03-02T02:00:00Z");
let dataDir: string;
let bus: InProcessBus;
let issuer: BuiltinIssuer;
let service: Awaited<ReturnType<typeof startIdentityService>>;
let patients: ServiceClient<typeof PatientServiceService>;
let childId = "";

/** A consult fact as consult's relay puts it on the bus. */
function consultMessage(type: "ConsultStarted" | "ConsultCompleted", payload: Uint8Array, consultId: string) {
  const event: StoredEvent = {
    id: uuidv7(),
    streamId: `consult-${consultId}`,
    type,
    schemaVersion: 1,
    revision: 0,
    position: 1n,
    recordedAt: now.toISOString(),
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
    data: {},
    metadata: { actorId: PHYSICIAN, actorRole: "physician", tenantId: INSTITUTION, correlationId: "corr-consult", causationId: "req-consult", occurredAt: now.toISOString() },
  };
  return envelopedMessage(event, { subject: `ihp.consult.v1.${type}`, type, contentType: `application/x-protobuf; proto=ihp.consult.v1.${type}`, payload });
}

/** ConsultStarted of consult-care-1 between the child and PHYSICIAN, as consult encodes it. */
function consultStarted(startedAt: Date): Uint8Array {
  return ConsultStarted.encode({
    consultId: "consult-care-1",
    institutionId: INSTITUTION,
    consultType: "FOLLOW_UP",
    departmentCode: "07",
    patientId: childId,
    physicianId: PHYSICIAN,
    startedAt: startedAt.toISOString(),
    priorRecordId: "",
  }).finish();
}

const physicianToken = (subject: string, tenantId = INSTITUTION) => issuer.issue({ subject, roles: ["physician"], tenantId, kind: "human", ttlSeconds: 10 ** 8 });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "identity-care-"));
  bus = new InProcessBus();
  const config = loadConfig(identityConfigSchema, { SERVICE_NAME: "identity", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000" });
  service = await startIdentityService({ config, bus, clock: () => now, logger: createLogger({ name: "identity", level: "silent" }) });
  issuer = await openBuiltinIssuer(dataDir);
  patients = new ServiceClient(PatientServiceService, service.grpcPort);
  const { patient } = await patients.call("registerPatient", {
    requestId: "care-register-child",
    institutionId: INSTITUTION,
    name: "李小四",
    idType: IdDocumentType.ID_DOCUMENT_TYPE_RESIDENT_ID_CARD,
    idNumber: residentId("2020-01-15"),
    birthDate: "2020-01-15",
    sex: Sex.SEX_FEMALE,
    loginName: "",
    password: "",
  });
  childId = patient!.patientId;
});

afterAll(async () => {
  patients.close();
  await service.stop();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("REC-09 care relationships from consult events (issue 13 item 6)", () => {
  it("REC-09: no consult, no read: the physician is refused (NO_CARE_RELATIONSHIP)", async () => {
    expect((await refusalOf(patients.call("getPatient", { patientId: childId }, await physicianToken(PHYSICIAN)))).code).toBe("NO_CARE_RELATIONSHIP");
  });

  it("REC-09: once ConsultStarted is on the bus the treating physician sees age, sex and verification — no name, no ID number, no guardians", async () => {
    await bus.publish(consultMessage("ConsultStarted", consultStarted(now), "consult-care-1"));
    const { patient } = await patients.call("getPatient", { patientId: childId }, await physicianToken(PHYSICIAN));
    expect(patient).toMatchObject({ patientId: childId, birthDate: "2020-01-15", sex: Sex.SEX_FEMALE, verified: false, name: undefined, maskedIdNumber: undefined, guardians: [] });
    expect(patient!.idType).toBe(IdDocumentType.ID_DOCUMENT_TYPE_UNSPECIFIED);
    // Another physician, the same physician acting for another institution, or a service token: still refused.
    expect((await refusalOf(patients.call("getPatient", { patientId: childId }, await physicianToken(OTHER_PHYSICIAN)))).code).toBe("NO_CARE_RELATIONSHIP");
    const elsewhere = await physicianToken(PHYSICIAN, "0193a9f2-7c1d-8e4b-9a6f-0000000000bb");
    expect((await refusalOf(patients.call("getPatient", { patientId: childId }, elsewhere))).code).toBe("NO_CARE_RELATIONSHIP");
    const bot = await issuer.issue({ subject: PHYSICIAN, roles: ["physician"], tenantId: INSTITUTION, kind: "service", ttlSeconds: 10 ** 8 });
    expect((await refusalOf(patients.call("getPatient", { patientId: childId }, bot))).code).toBe("ROLE_NOT_ALLOWED");
  });

  it("REC-09: after the consult ends the physician reads for CARE_READ_HOURS_AFTER_END (72 h), then no more", async () => {
    const completed = ConsultCompleted.encode({
      consultId: "consult-care-1",
      institutionId: INSTITUTION,
      physicianId: PHYSICIAN,
      completedAt: now.toISOString(),
      summaryHash: "ab".repeat(32),
      diagnoses: [],
    }).finish();
    await bus.publish(consultMessage("ConsultCompleted", completed, "consult-care-1"));
    now = new Date(now.getTime() + 71 * 3_600_000);
    expect((await patients.call("getPatient", { patientId: childId }, await physicianToken(PHYSICIAN))).patient!.birthDate).toBe("2020-01-15");
    now = new Date(now.getTime() + 2 * 3_600_000);
    expect((await refusalOf(patients.call("getPatient", { patientId: childId }, await physicianToken(PHYSICIAN)))).code).toBe("NO_CARE_RELATIONSHIP");
  });

  it("REC-09 (issue 15): a ConsultStarted delivered again after the consult ended does not open the care again", async () => {
    await bus.publish(consultMessage("ConsultStarted", consultStarted(new Date(now.getTime() - 73 * 3_600_000)), "consult-care-1"));
    expect((await refusalOf(patients.call("getPatient", { patientId: childId }, await physicianToken(PHYSICIAN)))).code).toBe("NO_CARE_RELATIONSHIP");
  });
});
