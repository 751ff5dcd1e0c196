import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { PRESCRIPTION_ERRORS, prescriptionConfigSchema, type PrescriptionService, startPrescriptionService } from "@ihp/prescription";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryConsults, InMemorySessions, InMemorySignatures } from "../../services/prescription/test/support/ports.js";
import { auditModule } from "../src/contexts/audit/resolvers.js";
import { prescriptionModule } from "../src/contexts/prescription/resolvers.js";
import { createGateway, type Gateway } from "../src/index.js";
import { type FakeServices, startFakeServices } from "./support/fakeServices.js";
import type { GraphQLBody } from "./support/harness.js";

// 统方 (RX-11) in the audit trail: a prescriber-by-drug statistics query by pharmacy governance appears, by id and
// without its purpose text, in the audit records medical administration reads from the REAL prescription service.

const INSTITUTION = "0195a000-0000-7000-8000-0000000012ab";
const OTHER = "0195a000-0000-7000-8000-0000000034cd";
const PURPOSE = "季度合理用药点评-审计测试";
const NOW = new Date("2026-03-02T02:00:00Z");
const STATISTICS = `query ($input: PrescribingStatisticsInput!) { prescribingStatistics(input: $input) { queryId } }`;
const AUDIT = `query ($filter: AuditFilterInput!) { auditTrail(service: PRESCRIPTION, filter: $filter, first: 50) {
  edges { node { action outcome actorId actorRoles institutionId resource ruleId reasonCode service } } } }`;
const FILTER = { from: "2026-03-01T00:00:00Z", to: "2026-03-03T00:00:00Z", action: "GetPrescribingStatistics" };

let dataDir: string;
let service: PrescriptionService;
let fakes: FakeServices;
let app: Gateway;
let issuer: BuiltinIssuer;
const bus = new InProcessBus();

const token = (role: Role, subject: string, tenantId = INSTITUTION) => issuer.issue({ subject, roles: [role], tenantId });

async function post(query: string, variables: Record<string, unknown>, bearer: string): Promise<GraphQLBody> {
  const response = await app.inject({ method: "POST", url: "/graphql", headers: { authorization: `Bearer ${bearer}` }, payload: { query, variables } });
  return response.json<GraphQLBody>();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gateway-audit-rx-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "audit-rx-test", level: "silent" });
  service = await startPrescriptionService({
    config: loadConfig(prescriptionConfigSchema, { SERVICE_NAME: "prescription", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" }),
    bus,
    verifier,
    logger: silent,
    clock: () => NOW,
    consults: new InMemoryConsults(),
    signatures: new InMemorySignatures(),
    sessions: new InMemorySessions(),
  });
  fakes = await startFakeServices({ verifier, logger: silent });
  app = await createGateway({
    identity: fakes.address,
    reporting: fakes.address,
    prescription: `127.0.0.1:${service.grpcPort}`,
    modules: [prescriptionModule, auditModule],
    errorTables: [PRESCRIPTION_ERRORS],
    verifier,
    logger: silent,
    graphiql: false,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await service?.stop();
  await fakes?.stop();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("统方 statistics queries in the audit trail (RX-11, XC-01)", () => {
  it("RX-11, XC-01: each statistics query is an audit record (who, query id, rule) for medical administration, without the purpose text", async () => {
    const asked = await post(STATISTICS, { input: { institutionId: INSTITUTION, purpose: PURPOSE } }, await token("pharmacy_governance", "gov-1"));
    expect(asked.errors, JSON.stringify(asked.errors)).toBeUndefined();
    const { queryId } = (asked.data as { prescribingStatistics: { queryId: string } }).prescribingStatistics;

    const trail = await post(AUDIT, { filter: FILTER }, await token("institution_admin", "admin-1"));
    expect(trail.errors, JSON.stringify(trail.errors)).toBeUndefined();
    expect((trail.data as { auditTrail: { edges: { node: unknown }[] } }).auditTrail.edges.map((edge) => edge.node)).toEqual([
      {
        action: "GetPrescribingStatistics",
        outcome: "ALLOWED",
        actorId: "gov-1",
        actorRoles: ["pharmacy_governance"],
        institutionId: INSTITUTION,
        resource: `prescribing-statistics/${queryId}`,
        ruleId: "RX-11",
        reasonCode: null,
        service: "PRESCRIPTION",
      },
    ]);
    expect(JSON.stringify(trail)).not.toContain(PURPOSE);

    const otherAdmin = await post(AUDIT, { filter: FILTER }, await token("institution_admin", "admin-2", OTHER));
    expect((otherAdmin.data as { auditTrail: { edges: unknown[] } }).auditTrail.edges).toEqual([]);
  });
});
