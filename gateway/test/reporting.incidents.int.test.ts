import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuiltinIssuer, createLogger, type Role, TokenVerifier } from "@ihp/platform";
import { loadReportingConfig, REPORTING_ERRORS, type ReportingService, startReportingService } from "@ihp/reporting";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportingModule } from "../src/contexts/reporting/resolvers.js";
import { createGateway, type Gateway } from "../src/index.js";
import { type FakeServices, startFakeServices } from "./support/fakeServices.js";
import type { GraphQLBody } from "./support/harness.js";

// REP-07 through GraphQL against the REAL reporting service: the admin reports, gets the tasks with deadlines, marks
// one notified; the service's refusals reach the client with their stable codes.

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const OTHER = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
const INCIDENT = "0195a1b2-0000-7000-8000-0000000000aa";
const REPORT = `mutation ($input: ReportIncidentInput!) {
  reportIncident(input: $input) { incidentId reportedAt tasks { authority dueAt } }
}`;
const MARK = `mutation ($input: MarkIncidentAuthorityNotifiedInput!) {
  markIncidentAuthorityNotified(input: $input) { incidentId authority notifiedAt }
}`;

const INCIDENT_QUERY = `query ($id: ID!) { incident(incidentId: $id) { kind tasks { authority notifiedAt reference overdue } } }`;

let dataDir: string;
let service: ReportingService;
let fakes: FakeServices;
let app: Gateway;
let issuer: BuiltinIssuer;
const now = new Date("2026-03-02T02:00:00Z");

const token = (role: Role, subject: string, tenantId = INSTITUTION) => issuer.issue({ subject, roles: [role], tenantId });

async function post(query: string, variables: Record<string, unknown>, bearer: string): Promise<GraphQLBody> {
  const response = await app.inject({ method: "POST", url: "/graphql", headers: { authorization: `Bearer ${bearer}` }, payload: { query, variables } });
  return response.json<GraphQLBody>();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gateway-incidents-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "incidents-test", level: "silent" });
  service = await startReportingService({
    config: loadReportingConfig({ SERVICE_NAME: "reporting", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500", INCIDENT_CHECK_INTERVAL_MS: "0" }),
    verifier,
    logger: silent,
    clock: () => now,
  });
  fakes = await startFakeServices({ verifier, logger: silent });
  app = await createGateway({
    identity: fakes.address,
    reporting: `127.0.0.1:${service.grpcPort}`,
    modules: [reportingModule],
    errorTables: [REPORTING_ERRORS],
    verifier,
    logger: silent,
    graphiql: false,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await service?.stop();
  await fakes?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("incidents through GraphQL (REP-07)", () => {
  it("REP-07: an admin reports a DATA_LEAK and gets 4 h tasks to both authorities, then marks one notified", async () => {
    const admin = await token("institution_admin", "admin-1");
    const input = { incidentId: INCIDENT, institutionId: INSTITUTION, kind: "DATA_LEAK", criticalInfrastructure: false, categoryCode: "exfiltration" };
    const body = await post(REPORT, { input }, admin);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(body.data).toEqual({
      reportIncident: {
        incidentId: INCIDENT,
        reportedAt: "2026-03-02T02:00:00.000Z",
        tasks: [
          { authority: "CYBERSPACE", dueAt: "2026-03-02T06:00:00.000Z" },
          { authority: "HEALTH", dueAt: "2026-03-02T06:00:00.000Z" },
        ],
      },
    });
    const marked = await post(MARK, { input: { incidentId: INCIDENT, authority: "HEALTH", reference: "WJW-2026-3" } }, admin);
    expect(marked.data).toEqual({ markIncidentAuthorityNotified: { incidentId: INCIDENT, authority: "HEALTH", notifiedAt: "2026-03-02T02:00:00.000Z" } });
    const read = await post(INCIDENT_QUERY, { id: INCIDENT }, await token("regulator", "reg-1", "national"));
    expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();
    expect(read.data).toEqual({
      incident: {
        kind: "DATA_LEAK",
        tasks: [
          { authority: "CYBERSPACE", notifiedAt: null, reference: null, overdue: false },
          { authority: "HEALTH", notifiedAt: "2026-03-02T02:00:00.000Z", reference: "WJW-2026-3", overdue: false },
        ],
      },
    });
    const stranger = await post(INCIDENT_QUERY, { id: INCIDENT }, await token("institution_admin", "admin-2", OTHER));
    expect(stranger.errors?.[0]?.extensions?.["code"]).toBe("INCIDENT_OTHER_INSTITUTION");
  });

  it("REP-07: refusals keep their codes: a physician may not report, another institution's admin may not close, a reference is required", async () => {
    const input = { incidentId: "0195a1b2-0000-7000-8000-0000000000ab", institutionId: INSTITUTION, kind: "MAJOR_CYBER", criticalInfrastructure: true, categoryCode: "ddos" };
    const physician = await post(REPORT, { input }, await token("physician", "doc-1"));
    expect(physician.errors?.[0]?.extensions?.["code"]).toBe("ROLE_NOT_ALLOWED");
    const other = await post(MARK, { input: { incidentId: INCIDENT, authority: "CYBERSPACE", reference: "x" } }, await token("institution_admin", "admin-2", OTHER));
    expect(other.errors?.[0]?.extensions?.["code"]).toBe("INCIDENT_OTHER_INSTITUTION");
    const blank = await post(MARK, { input: { incidentId: INCIDENT, authority: "CYBERSPACE", reference: " " } }, await token("institution_admin", "admin-1"));
    expect(blank.errors?.[0]?.extensions?.["code"]).toBe("NOTIFICATION_REFERENCE_REQUIRED");
  });

  it("REP-07, REP-05: a 6,000-character incident id or case id is INVALID_ID with its English and Chinese texts, not INTERNAL", async () => {
    const long = "i".repeat(6_000);
    const admin = await token("institution_admin", "admin-1");
    const incident = { incidentId: long, institutionId: INSTITUTION, kind: "DATA_LEAK", criticalInfrastructure: false, categoryCode: "exfiltration" };
    const OPEN = `mutation ($input: OpenAnomalyCaseInput!) { openAnomalyCase(input: $input) { caseId } }`;
    const kase = { caseId: long, institutionId: INSTITUTION, findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-1", workingDays: 2 };
    const answers = [await post(REPORT, { input: incident }, admin), await post(OPEN, { input: kase }, await token("system", "adapter", INSTITUTION))];
    for (const answer of answers) {
      expect(answer.data, JSON.stringify(answer)).toBeNull();
      expect(answer.errors?.[0]).toMatchObject({
        message: REPORTING_ERRORS.INVALID_ID.en,
        extensions: { code: "INVALID_ID", messageZh: REPORTING_ERRORS.INVALID_ID.zh },
      });
    }
  });

  it("REP-05: the regulator adapter opens an anomaly case due in CN working days; the admin closes it only with a note", async () => {
    const OPEN = `mutation ($input: OpenAnomalyCaseInput!) { openAnomalyCase(input: $input) { caseId openedAt dueDay } }`;
    const CLOSE = `mutation ($id: ID!, $note: String!) { closeAnomalyCase(caseId: $id, rectificationNote: $note) { caseId closedAt } }`;
    const input = { caseId: "case-1", institutionId: INSTITUTION, findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-1", workingDays: 2 };
    const opened = await post(OPEN, { input }, await token("system", "adapter", INSTITUTION));
    expect(opened.errors, JSON.stringify(opened.errors)).toBeUndefined();
    // Received Mon 2 Mar 2026 (Beijing): due Wed 4 Mar.
    expect(opened.data).toEqual({ openAnomalyCase: { caseId: "case-1", openedAt: "2026-03-02T02:00:00.000Z", dueDay: "2026-03-04" } });
    const admin = await token("institution_admin", "admin-1");
    const blank = await post(CLOSE, { id: "case-1", note: "" }, admin);
    expect(blank.errors?.[0]?.extensions?.["code"]).toBe("RECTIFICATION_NOTE_REQUIRED");
    const byAdmin = await post(OPEN, { input: { ...input, caseId: "case-2" } }, admin);
    expect(byAdmin.errors?.[0]?.extensions?.["code"]).toBe("ROLE_NOT_ALLOWED");
    const closed = await post(CLOSE, { id: "case-1", note: "Review step enforced." }, admin);
    expect(closed.data).toEqual({ closeAnomalyCase: { caseId: "case-1", closedAt: "2026-03-02T02:00:00.000Z" } });
  });
});
