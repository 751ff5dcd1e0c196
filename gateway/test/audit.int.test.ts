import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleCatalogue } from "@ihp/drug-catalogue";
import { InProcessBus } from "@ihp/messaging";
import { catalogueLookup, PHARMACY_ERRORS, pharmacyConfigSchema, type PharmacyService, startPharmacyService } from "@ihp/pharmacy";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryIdentity } from "../../services/pharmacy/test/support/inMemoryIdentity.js";
import { auditModule } from "../src/contexts/audit/resolvers.js";
import { pharmacyModule } from "../src/contexts/pharmacy/resolvers.js";
import { createGateway, type Gateway } from "../src/index.js";
import { type FakeServices, startFakeServices } from "./support/fakeServices.js";
import type { GraphQLBody } from "./support/harness.js";

// auditTrail through GraphQL against the REAL pharmacy service (its audit trail served by the shared service host):
// the pharmacy refuses and records; medical administration and the regulator read those records through the
// gateway; every read is itself recorded; the tenant boundary holds; other roles are refused.

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const OTHER = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
const RANGE = { from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" };
const AUDIT = `query ($service: AuditedService!, $filter: AuditFilterInput!, $first: Int, $after: String) {
  auditTrail(service: $service, filter: $filter, first: $first, after: $after) {
    edges { cursor node { id service occurredAt action outcome reasonCode ruleId actorId actorRoles institutionId resource correlationId } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const QUEUE = `query ($institution: ID!) { reviewQueue(institutionId: $institution) { edges { node { serialNumber } } } }`;

interface Row {
  readonly action: string;
  readonly outcome: string;
  readonly reasonCode: string | null;
  readonly actorId: string;
  readonly institutionId: string | null;
  readonly resource: string | null;
  readonly service: string;
  readonly occurredAt: string;
}

let dataDir: string;
let service: PharmacyService;
let fakes: FakeServices;
let app: Gateway;
let issuer: BuiltinIssuer;
let now = new Date("2026-03-02T02:00:00Z");
const bus = new InProcessBus();

const token = (role: Role, subject: string, tenantId = INSTITUTION) => issuer.issue({ subject, roles: [role], tenantId });

async function post(query: string, variables: Record<string, unknown>, bearer?: string): Promise<GraphQLBody> {
  const response = await app.inject({
    method: "POST",
    url: "/graphql",
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    payload: { query, variables },
  });
  return response.json<GraphQLBody>();
}

async function trail(bearer: string, filter: Record<string, unknown> = {}, first?: number): Promise<Row[]> {
  const body = await post(AUDIT, { service: "PHARMACY", filter: { ...RANGE, ...filter }, first }, bearer);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return (body.data as { auditTrail: { edges: { node: Row }[] } }).auditTrail.edges.map((edge) => edge.node);
}

async function refusedWith(bearer: string | undefined, filter: Record<string, unknown> = {}): Promise<unknown> {
  const body = await post(AUDIT, { service: "PHARMACY", filter: { ...RANGE, ...filter } }, bearer);
  expect(body.data).toBeNull();
  return body.errors?.[0]?.extensions?.["code"];
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gateway-audit-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "audit-test", level: "silent" });
  service = await startPharmacyService({
    config: loadConfig(pharmacyConfigSchema, { SERVICE_NAME: "pharmacy", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" }),
    bus,
    verifier,
    logger: silent,
    clock: () => now,
    identity: new InMemoryIdentity(verifier, new Map()),
    catalogue: catalogueLookup(await sampleCatalogue()),
  });
  fakes = await startFakeServices({ verifier, logger: silent });
  app = await createGateway({
    identity: fakes.address,
    reporting: fakes.address,
    pharmacy: `127.0.0.1:${service.grpcPort}`,
    modules: [pharmacyModule, auditModule],
    errorTables: [PHARMACY_ERRORS],
    verifier,
    logger: silent,
    graphiql: false,
  });
  // What the pharmacy refuses and records (XC-02): a patient of each institution at its review queue.
  for (const [subject, tenant] of [
    ["patient-in-1", INSTITUTION],
    ["patient-in-2", OTHER],
  ] as const) {
    const body = await post(QUEUE, { institution: tenant }, await token("patient", subject, tenant));
    expect(body.errors?.[0]?.extensions?.["code"]).toBe("ROLE_NOT_ALLOWED");
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
  await service?.stop();
  await fakes?.stop();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("auditTrail through GraphQL (XC-01, XC-02)", () => {
  it("XC-01: medical administration reads its institution's refusals from the pharmacy's own log, minimized", async () => {
    const rows = await trail(await token("institution_admin", "admin-1"), { outcome: "REFUSED" });
    expect(rows.map((row) => [row.action, row.actorId, row.reasonCode, row.institutionId, row.service])).toEqual([
      ["ListReviewQueue", "patient-in-1", "ROLE_NOT_ALLOWED", INSTITUTION, "PHARMACY"],
    ]);
  });

  it("XC-01: each audit query is recorded in the service's log; the next query shows it, with who and which scope", async () => {
    now = new Date("2026-03-02T03:00:00Z");
    const admin = await token("institution_admin", "admin-1");
    await trail(admin);
    now = new Date("2026-03-02T03:05:00Z");
    const recorded = (await trail(admin, { action: "ListAuditRecords", outcome: "ALLOWED" })).filter((row) => row.occurredAt === "2026-03-02T03:00:00.000Z");
    expect(recorded).toEqual([
      expect.objectContaining({ actorId: "admin-1", institutionId: INSTITUTION, resource: `audit/pharmacy/institution/${INSTITUTION}`, reasonCode: null }),
    ]);
  });

  it("XC-01: the tenant boundary: another institution's admin sees only theirs, and naming someone else's institution is refused and recorded", async () => {
    now = new Date("2026-03-02T04:00:00Z");
    const otherAdmin = await token("institution_admin", "admin-2", OTHER);
    const theirs = await trail(otherAdmin, { outcome: "REFUSED" });
    expect(theirs.map((row) => row.actorId)).toEqual(["patient-in-2"]);
    expect(theirs.every((row) => row.institutionId === OTHER)).toBe(true);
    expect(await refusedWith(otherAdmin, { institutionId: INSTITUTION })).toBe("TENANT_MISMATCH");
    const seen = await trail(await token("regulator", "regulator-1", "national"), { actorId: "admin-2", outcome: "REFUSED" });
    expect(seen).toEqual([expect.objectContaining({ action: "ListAuditRecords", reasonCode: "TENANT_MISMATCH", institutionId: OTHER })]);
  });

  it("XC-01: the national regulator reads every institution's records and can narrow to one", async () => {
    const regulator = await token("regulator", "regulator-1", "national");
    const refused = await trail(regulator, { action: "ListReviewQueue" });
    expect(refused.map((row) => row.institutionId).sort()).toEqual([INSTITUTION, OTHER].sort());
    expect((await trail(regulator, { action: "ListReviewQueue", institutionId: OTHER })).map((row) => row.actorId)).toEqual(["patient-in-2"]);
  });

  it("pages through the connection with the service's cursor", async () => {
    const regulator = await token("regulator", "regulator-1", "national");
    const first = await post(AUDIT, { service: "PHARMACY", filter: { ...RANGE, action: "ListReviewQueue" }, first: 1 }, regulator);
    const page = (first.data as { auditTrail: { edges: { node: Row }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }).auditTrail;
    expect(page.edges.map((edge) => edge.node.actorId)).toEqual(["patient-in-1"]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await post(AUDIT, { service: "PHARMACY", filter: { ...RANGE, action: "ListReviewQueue" }, first: 1, after: page.pageInfo.endCursor }, regulator);
    expect((second.data as { auditTrail: { edges: { node: Row }[] } }).auditTrail.edges.map((edge) => edge.node.actorId)).toEqual(["patient-in-2"]);
  });

  it("XC-02: other roles, a provincial regulator and anonymous callers are refused with stable codes; a bad range too", async () => {
    for (const role of ["physician", "pharmacist", "patient", "pharmacy_governance", "system"] as const) {
      expect(await refusedWith(await token(role, `${role}-1`)), role).toBe("ROLE_NOT_ALLOWED");
    }
    expect(await refusedWith(await token("regulator", "regulator-tj", "tianjin"))).toBe("AUDIT_SCOPE_UNAVAILABLE");
    expect(await refusedWith(undefined)).toBe("UNAUTHENTICATED");
    expect(await refusedWith(await token("institution_admin", "admin-1"), { from: "2026-01-01T00:00:00Z" })).toBe("AUDIT_RANGE_INVALID");
  });
});
