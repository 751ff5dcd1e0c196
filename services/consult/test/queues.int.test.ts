import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultServiceService, ConsultStatus, ConsultType, PriorRecordType, type RequestConsultRequest } from "@ihp/contracts/consult";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consultConfigSchema, startConsultService } from "../src/index.js";
import { refusalOf, TestClient } from "./support/client.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const OTHER = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f7e";
let dataDir: string;
let issuer: BuiltinIssuer;
let verifier: TokenVerifier;
const identity = new InMemoryIdentity();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "consult-queues-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  identity.institutions.set(INSTITUTION, { institutionId: INSTITUTION, jurisdiction: "national", subjectCodes: ["03"], regulatorConnected: true });
  for (const id of ["patient-a", "patient-b"]) identity.patients.set(id, { patientId: id, birthDate: "1980-01-01", sex: "M", verificationMethod: "ID_CARD_FACE_MATCH" });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function start() {
  const config = loadConfig(consultConfigSchema, { SERVICE_NAME: "consult", DATA_DIR: dataDir, GRPC_PORT: "0", LOG_LEVEL: "silent", SHUTDOWN_GRACE_MS: "500" });
  const service = await startConsultService({ config, verifier, identity, logger: createLogger({ name: "consult", level: "silent" }), clock: () => new Date("2026-03-15T02:00:00Z") });
  const client = new TestClient(ConsultServiceService, service.grpcPort);
  return { client, stop: async () => { client.close(); await service.stop(); } };
}

const request = (requestId: string, patientId: string): RequestConsultRequest => ({
  requestId,
  institutionId: INSTITUTION,
  consultType: ConsultType.CONSULT_TYPE_FOLLOW_UP,
  departmentCode: "03.07",
  patientId,
  priorRecord: { documentId: "d", hisLinkId: "", recordType: PriorRecordType.PRIOR_RECORD_TYPE_DIAGNOSIS_CERTIFICATE, recordDate: "2026-01-10", issuingInstitution: "某市人民医院", diagnoses: [{ code: "I10", name: "原发性高血压", version: "ICD-10" }] },
  invitation: undefined,
  familyContractId: "",
  triageFlags: [],
});

describe("queues (read models)", () => {
  it("authorize by role and relationship, page, and are rebuilt from the log when the read-model database is lost", async () => {
    const first = await start();
    const a = await issuer.issue({ subject: "patient-a", roles: ["patient"], tenantId: INSTITUTION });
    const b = await issuer.issue({ subject: "patient-b", roles: ["patient"], tenantId: INSTITUTION });
    for (const id of ["queue-req-0001", "queue-req-0002", "queue-req-0003"]) await first.client.call("requestConsult", request(id, "patient-a"), a);
    await first.client.call("requestConsult", request("queue-req-0004", "patient-b"), b);
    const physician = await issuer.issue({ subject: "physician-1", roles: ["physician"], tenantId: INSTITUTION });
    await waitFor(async () => (await first.client.call("listWaitingConsults", { page: undefined }, physician)).consults.length === 4, 5_000, "four waiting");

    // A patient sees only their own, newest first, in pages.
    const page1 = await first.client.call("listMyConsults", { page: { first: 2, after: "" }, statuses: [] }, a);
    expect(page1.consults).toHaveLength(2);
    expect(page1.pageInfo?.hasNextPage).toBe(true);
    const page2 = await first.client.call("listMyConsults", { page: { first: 2, after: page1.pageInfo!.endCursor }, statuses: [] }, a);
    expect(page2.consults.map((c) => c.patientId)).toEqual(["patient-a"]);
    expect((await first.client.call("listMyConsults", { page: undefined, statuses: [] }, b)).consults).toHaveLength(1);
    expect((await refusalOf(first.client.call("listMyConsults", { page: { first: 2, after: "bogus" }, statuses: [] }, a))).code).toBe("INVALID_CURSOR");
    expect((await refusalOf(first.client.call("listMyConsults", { page: undefined, statuses: [ConsultStatus.CONSULT_STATUS_UNSPECIFIED] }, a))).code).toBe("INVALID_CONSULT_STATUS");

    // A physician of another institution sees none; an admin only their own institution's board.
    const elsewhere = await issuer.issue({ subject: "physician-9", roles: ["physician"], tenantId: OTHER });
    expect((await first.client.call("listWaitingConsults", { page: undefined }, elsewhere)).consults).toEqual([]);
    const otherAdmin = await issuer.issue({ subject: "admin-9", roles: ["institution_admin"], tenantId: OTHER });
    expect((await refusalOf(first.client.call("listInstitutionBoard", { institutionId: INSTITUTION, page: undefined }, otherAdmin))).code).toBe("TENANT_MISMATCH");
    expect((await refusalOf(first.client.call("listWaitingConsults", { page: undefined }, a))).code).toBe("ROLE_NOT_ALLOWED");
    const someone = page1.consults[0]!.consultId;
    expect((await refusalOf(first.client.call("getConsult", { consultId: someone }, b))).code).toBe("NOT_CONSULT_PARTICIPANT");

    // Issue 13 item 7: a service credential reads no consult, no board and no family contract; an admin reads the
    // board and the consult but no family contract; roles that never read one are refused before the consult is
    // even looked up (an unknown id answers them the same).
    const service = await issuer.issue({ subject: "svc:job", roles: ["system"], tenantId: "platform", kind: "service" });
    const admin = await issuer.issue({ subject: "admin-1", roles: ["institution_admin"], tenantId: INSTITUTION });
    const regulator = await issuer.issue({ subject: "regulator-1", roles: ["regulator"], tenantId: "national" });
    expect((await refusalOf(first.client.call("getConsult", { consultId: someone }, service))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusalOf(first.client.call("listInstitutionBoard", { institutionId: INSTITUTION, page: undefined }, service))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusalOf(first.client.call("getConsult", { consultId: "0193a9f2-7c1d-8e4b-9a6f-000000000000" }, regulator))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await first.client.call("getConsult", { consultId: someone }, admin)).consult?.consultId).toBe(someone);
    expect((await first.client.call("listInstitutionBoard", { institutionId: INSTITUTION, page: undefined }, admin)).consults).toHaveLength(4);
    for (const reader of [service, admin]) {
      expect((await refusalOf(first.client.call("getFamilyContract", { contractId: "0193a9f2-7c1d-8e4b-9a6f-000000000001" }, reader))).code).toBe("ROLE_NOT_ALLOWED");
    }
    await first.stop();

    await rm(join(dataDir, "consult-read-models.sqlite"), { force: true });
    await rm(join(dataDir, "consult-read-models.sqlite-wal"), { force: true });
    await rm(join(dataDir, "consult-read-models.sqlite-shm"), { force: true });
    const second = await start();
    try {
      await waitFor(async () => (await second.client.call("listWaitingConsults", { page: undefined }, physician)).consults.length === 4, 5_000, "rebuilt queue");
    } finally {
      await second.stop();
    }
  });
});
