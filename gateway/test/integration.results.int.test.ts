import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DomainError } from "@ihp/eventsourcing";
import { INTEGRATION_ERRORS, integrationConfigSchema, type IntegrationService, startIntegrationService } from "@ihp/integration";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adtA04, MllpTestClient, oruImaging, oruR01 } from "../../services/integration/test/mllpSamples.js";
import { integrationModule } from "../src/contexts/integration/resolvers.js";
import { createGateway, type Gateway } from "../src/index.js";
import { type FakeServices, startFakeServices } from "./support/fakeServices.js";
import type { GraphQLBody } from "./support/harness.js";

// REC-08 / XC-03 through GraphQL against the REAL integration service: the hospital's LIS sends ORU^R01 over MLLP, gets
// ACK AA, and the patient reads the result; a verified guardian reads a minor's; nobody else does.

const LAB = `query ($patientId: ID) { myLabResults(patientId: $patientId) { reportId institutionId issuedAt observations { code codeSystem value unit referenceRange abnormalFlag } } }`;
const IMAGING = `query { myImagingReports { reportId studyInstanceUid modality impression retrieveUrl } }`;

let dataDir: string;
let issuer: BuiltinIssuer;
let integration: IntegrationService;
let fakes: FakeServices;
let app: Gateway;

const patient = (subject: string) => issuer.issue({ subject, roles: ["patient"], tenantId: "platform", kind: "human" });

async function post(query: string, variables: Record<string, unknown>, bearer: string): Promise<GraphQLBody> {
  const response = await app.inject({ method: "POST", url: "/graphql", headers: { authorization: `Bearer ${bearer}` }, payload: { query, variables } });
  return response.json<GraphQLBody>();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gateway-results-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "results-test", level: "silent" });
  integration = await startIntegrationService({
    config: loadConfig(integrationConfigSchema, {
      SERVICE_NAME: "integration",
      DATA_DIR: dataDir,
      GRPC_PORT: "0",
      SHUTDOWN_GRACE_MS: "500",
      MLLP_PORT: "0",
      MLLP_HOST: "127.0.0.1",
      MLLP_INSTITUTION_ID: "hosp-a",
      MLLP_SENDING_FACILITIES: "HOSPA",
    }),
    verifier,
    logger: silent,
    identity: {
      verifiedPatient: (patientId) =>
        patientId === "pat-zhang"
          ? Promise.resolve({ patientId, birthDate: "2015-01-01", sex: "F" })
          : Promise.reject(new DomainError("PATIENT_NOT_VERIFIED", "FAILED_PRECONDITION", "not verified")),
      checkGuardian: (caller, guardianId, childId) => Promise.resolve(caller.principal.subject === guardianId && guardianId === "pat-mother" && childId === "pat-zhang"),
      isTreating: (caller, patientId) => Promise.resolve(caller.principal.subject === "doc-treating" && patientId === "pat-zhang"),
    },
  });
  fakes = await startFakeServices({ verifier, logger: silent });
  app = await createGateway({
    identity: fakes.address,
    reporting: fakes.address,
    integration: `127.0.0.1:${integration.grpcPort}`,
    modules: [integrationModule],
    errorTables: [INTEGRATION_ERRORS],
    verifier,
    logger: silent,
    graphiql: false,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await integration?.stop();
  await fakes?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("patients' results through GraphQL (REC-08, XC-03)", () => {
  it("REC-08 / XC-03: ORU^R01 over MLLP → ACK AA → the patient sees the result; the same message again → AA, still one result", async () => {
    const his = await MllpTestClient.connect(integration.mllpPort!);
    try {
      expect((await his.send(adtA04("ADT-1"))).code).toBe("AA");
      expect((await his.send(oruR01("ORU-1"))).code).toBe("AA");
      expect((await his.send(oruImaging("RIS-1"))).code).toBe("AA");
      expect(await his.send(oruR01("ORU-1"))).toMatchObject({ code: "AA", msa3: "DUPLICATE" });
    } finally {
      his.close();
    }
    const own = await post(LAB, {}, await patient("pat-zhang"));
    expect(own.errors, JSON.stringify(own.errors)).toBeUndefined();
    const results = (own.data as { myLabResults: { reportId: string; observations: unknown[] }[] }).myLabResults;
    expect(results.map((r) => r.reportId)).toEqual(["LAB-77"]);
    expect(results[0]!.observations[0]).toEqual({ code: "2345-7", codeSystem: "LOINC", value: "7.8", unit: "mmol/L", referenceRange: "3.9-6.1", abnormalFlag: "H" });
    const imaging = await post(IMAGING, {}, await patient("pat-zhang"));
    expect(imaging.data).toEqual({
      myImagingReports: [
        {
          reportId: "RIS-5",
          studyInstanceUid: "1.2.840.113619.2.55.3.604688119.969.1268071029.320",
          modality: "CT",
          impression: "Normal chest CT.",
          retrieveUrl: "https://pacs.hosp-a.example/dicomweb/studies/1.2.840.113619.2.55.3.604688119.969.1268071029.320",
        },
      ],
    });
  });

  it("REC-08: a verified guardian reads the minor's results; another patient is refused with RESULTS_ACCESS_DENIED", async () => {
    const guardian = await post(LAB, { patientId: "pat-zhang" }, await patient("pat-mother"));
    expect(guardian.errors, JSON.stringify(guardian.errors)).toBeUndefined();
    expect((guardian.data as { myLabResults: unknown[] }).myLabResults).toHaveLength(1);
    const stranger = await post(LAB, { patientId: "pat-zhang" }, await patient("pat-li"));
    expect(stranger.errors?.[0]?.extensions?.["code"]).toBe("RESULTS_ACCESS_DENIED");
    expect(stranger.data).toBeNull();
  });

  it("REC-08: the treating physician reads the patient's results; a physician without a care relationship is refused", async () => {
    const PATIENT_LAB = `query ($patientId: ID!) { patientLabResults(patientId: $patientId) { reportId } patientImagingReports(patientId: $patientId) { reportId } }`;
    const doctor = (subject: string) => issuer.issue({ subject, roles: ["physician"], tenantId: "hosp-a", kind: "human" });
    const treating = await post(PATIENT_LAB, { patientId: "pat-zhang" }, await doctor("doc-treating"));
    expect(treating.errors, JSON.stringify(treating.errors)).toBeUndefined();
    expect(treating.data).toEqual({ patientLabResults: [{ reportId: "LAB-77" }], patientImagingReports: [{ reportId: "RIS-5" }] });
    const other = await post(PATIENT_LAB, { patientId: "pat-zhang" }, await doctor("doc-other"));
    expect(other.errors?.[0]?.extensions?.["code"]).toBe("RESULTS_ACCESS_DENIED");
  });
});
