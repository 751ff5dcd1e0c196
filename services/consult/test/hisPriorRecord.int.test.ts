import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConsultRecordSourceServiceService,
  ConsultServiceService,
  ConsultStatus,
  ConsultType,
  PriorRecordSource,
  PriorRecordType,
  type RequestConsultRequest,
} from "@ihp/contracts/consult";
import { IngestStatus, IntegrationIngestServiceService } from "@ihp/contracts/integration";
import { DomainError } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { type IntegrationService, integrationConfigSchema, startIntegrationService } from "@ihp/integration";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsultService, consultConfigSchema, startConsultService } from "../src/index.js";
import { refusalOf, TestClient } from "./support/client.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";

/**
 * CON-03 linked from HIS, end to end over gRPC: the hospital's system records an encounter in the real integration
 * service (XC-03 ingest API), the patient requests a consult naming it, and consult takes the record from integration.
 */
const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const OTHER_INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f7e";
const DIABETES = { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" };
const HYPERTENSION = { code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" };
const logger = createLogger({ name: "test", level: "silent" });

let dataDir: string;
let issuer: BuiltinIssuer;
let integration: IntegrationService;
let consult: ConsultService;
let consults: TestClient<typeof ConsultServiceService>;
let ingest: TestClient<typeof IntegrationIngestServiceService>;
let counter = 0;

const requestId = () => `his-req-${String(++counter).padStart(6, "0")}`;
const patientToken = (subject: string) => issuer.issue({ subject, roles: ["patient"], tenantId: INSTITUTION, kind: "human" });

function request(hisLinkId: string): RequestConsultRequest {
  return {
    requestId: requestId(),
    institutionId: INSTITUTION,
    consultType: ConsultType.CONSULT_TYPE_FOLLOW_UP,
    departmentCode: "03.07",
    patientId: "patient-1",
    // What the client states is ignored for a HIS record: type, date, institution and diagnoses come from the encounter.
    priorRecord: { documentId: "", hisLinkId, recordType: PriorRecordType.PRIOR_RECORD_TYPE_DIAGNOSIS_CERTIFICATE, recordDate: "2026-03-14", issuingInstitution: "自称医院", diagnoses: [HYPERTENSION] },
    invitation: undefined,
    familyContractId: "",
    triageFlags: [],
  };
}

async function record(institutionId: string, hisPatientId: string, patientId: string, encounterId: string): Promise<void> {
  const his = await issuer.issue({ subject: `svc:his-${institutionId.slice(-2)}`, roles: ["integration"], tenantId: institutionId, kind: "service" });
  const link = await ingest.call("linkHisPatient", { messageId: `link-${encounterId}`, hisPatientId, patientId, idNumber: "" }, his);
  expect(link.outcome?.status).toBe(IngestStatus.INGEST_STATUS_ACCEPTED);
  const encounter = {
    messageId: `enc-${encounterId}`,
    hisPatientId,
    encounterId,
    encounterDate: "2026-03-01",
    department: "内分泌科",
    recordType: "OUTPATIENT_RECORD",
    diagnoses: [DIABETES],
  };
  expect((await ingest.call("recordEncounter", encounter, his)).outcome?.status).toBe(IngestStatus.INGEST_STATUS_ACCEPTED);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "consult-his-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const verified = new Set(["patient-1", "patient-2"]);
  integration = await startIntegrationService({
    config: loadConfig(integrationConfigSchema, { SERVICE_NAME: "integration", DATA_DIR: join(dataDir, "integration"), GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" }),
    verifier,
    logger,
    identity: {
      verifiedPatient: (patientId) =>
        verified.has(patientId)
          ? Promise.resolve({ patientId, birthDate: "1970-05-01", sex: "F" })
          : Promise.reject(new DomainError("PATIENT_NOT_VERIFIED", "FAILED_PRECONDITION", "not verified")),
      checkGuardian: () => Promise.resolve(false),
      isTreating: () => Promise.resolve(false),
    },
  });
  const identity = new InMemoryIdentity();
  identity.institutions.set(INSTITUTION, { institutionId: INSTITUTION, jurisdiction: "guangxi", subjectCodes: ["03.07"], regulatorConnected: true });
  identity.clinicians.set("physician-1", { institutionId: INSTITUTION, departments: ["03.07"], stepUp: true });
  identity.patients.set("patient-1", { patientId: "patient-1", birthDate: "1970-05-01", sex: "F", verificationMethod: "ID_CARD_FACE_MATCH" });
  consult = await startConsultService({
    config: loadConfig(consultConfigSchema, {
      SERVICE_NAME: "consult",
      DATA_DIR: join(dataDir, "consult"),
      GRPC_PORT: "0",
      LOG_LEVEL: "silent",
      SHUTDOWN_GRACE_MS: "500",
      CONSULT_EXPIRY_SWEEP_SECONDS: "0",
      INTEGRATION_GRPC_ADDRESS: `127.0.0.1:${integration.grpcPort}`,
    }),
    verifier,
    identity,
    clock: () => new Date("2026-03-15T02:00:00Z"),
    logger,
  });
  consults = new TestClient(ConsultServiceService, consult.grpcPort);
  ingest = new TestClient(IntegrationIngestServiceService, integration.grpcPort);
  await record(INSTITUTION, "HIS-001", "patient-1", "ENC-1");
  await record(INSTITUTION, "HIS-002", "patient-2", "ENC-2");
  await record(OTHER_INSTITUTION, "HIS-009", "patient-1", "ENC-9");
});

afterAll(async () => {
  consults?.close();
  ingest?.close();
  await consult?.stop();
  await integration?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("CON-03 satisfied by a HIS-linked encounter (XC-03)", () => {
  it("CON-03 / XC-03: an encounter the HIS recorded over the ingest API qualifies; record type, date, institution and diagnoses come from it; a physician accepts", async () => {
    const { consult: requested } = await consults.call("requestConsult", request("ENC-1"), await patientToken("patient-1"));
    expect(requested).toMatchObject({ status: ConsultStatus.CONSULT_STATUS_WAITING, priorRecordId: "ENC-1", patientId: "patient-1" });
    const physician = await issuer.issue({ subject: "physician-1", roles: ["physician"], tenantId: INSTITUTION, kind: "human", sessionId: "session-physician-1" });
    const { consult: accepted } = await consults.call("acceptConsult", { requestId: requestId(), consultId: requested!.consultId }, physician);
    expect(accepted).toMatchObject({ status: ConsultStatus.CONSULT_STATUS_ACCEPTED, physicianId: "physician-1" });
    const log = SqliteEventStore.open({ path: join(dataDir, "consult", "consult-events.sqlite") });
    try {
      const [first] = await log.readStream(`consult-${requested!.consultId}`);
      const prior = (first!.data as { priorRecord: Record<string, unknown> }).priorRecord;
      expect(prior).toMatchObject({ recordId: "ENC-1", source: "HIS", recordType: "OUTPATIENT_RECORD", recordDate: "2026-03-01", issuingInstitution: INSTITUTION, hisPatientId: "HIS-001" });
      expect((prior["diagnoses"] as { code: string }[]).map((d) => d.code)).toEqual(["E11.9"]);
    } finally {
      await log.close();
    }

    // REC-01: once completed, the record source names the encounter's HIS patient id for the record header.
    const consultId = requested!.consultId;
    const patient = await patientToken("patient-1");
    const text = await consults.call("getConsentText", {});
    await consults.call("giveConsent", { requestId: requestId(), consultId, consentVersion: text.version, consentSha256: text.sha256 }, patient);
    await consults.call("decideEligibility", { requestId: requestId(), consultId, eligible: true, verifiedDiagnoses: [DIABETES] }, physician);
    await consults.call("startConsult", { requestId: requestId(), consultId }, physician);
    await consults.call("completeConsult", { requestId: requestId(), consultId, summary: "血糖控制可，继续原方案。", diagnoses: [DIABETES] }, physician);
    const recordsService = await issuer.issue({ subject: "svc:records", roles: ["records"], tenantId: "platform", kind: "service" });
    const sources = new TestClient(ConsultRecordSourceServiceService, consult.grpcPort);
    try {
      const source = await sources.call("getRecordSource", { consultId }, recordsService);
      expect(source).toMatchObject({ consultId, priorRecordSource: PriorRecordSource.PRIOR_RECORD_SOURCE_HIS, priorRecordId: "ENC-1", hisPatientId: "HIS-001" });
    } finally {
      sources.close();
    }
  });

  it("CON-03 / XC-03: an encounter of another patient is refused with HIS_ENCOUNTER_NOT_USABLE", async () => {
    const refused = await refusalOf(consults.call("requestConsult", request("ENC-2"), await patientToken("patient-1")));
    expect([refused.code, refused.ruleId]).toEqual(["HIS_ENCOUNTER_NOT_USABLE", "CON-03"]);
  });

  it("CON-03 / XC-03: an encounter of another institution, or none at all, is refused with HIS_ENCOUNTER_NOT_USABLE", async () => {
    for (const encounterId of ["ENC-9", "ENC-404"]) {
      const refused = await refusalOf(consults.call("requestConsult", request(encounterId), await patientToken("patient-1")));
      expect([refused.code, refused.ruleId]).toEqual(["HIS_ENCOUNTER_NOT_USABLE", "CON-03"]);
    }
  });
});
