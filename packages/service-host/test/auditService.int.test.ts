import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditOutcome, AuditRecord, AuditServiceService, type ListAuditRecordsRequest, type ListAuditRecordsResponse } from "@ihp/contracts";
import {
  baseConfigSchema,
  BuiltinIssuer,
  channelCredentials,
  createLogger,
  fromGrpcError,
  type OwnedServiceClient,
  type Principal,
  type RemoteError,
  type Role,
  serviceClient,
  TokenVerifier,
} from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostDeps, type HostedService, startServiceHost } from "../src/index.js";

// The audit query every hosted service serves (XC-01, XC-02), against a real host with a real gRPC port: who may read
// which records, that records are minimized, and that every query — answered or refused — is itself recorded.

const T0 = new Date("2026-03-02T02:00:00Z");
const RANGE = { from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" };
const person = (subject: string, roles: Role[], tenantId: string): Principal => ({ subject, roles, tenantId, kind: "human" });

let dir: string;
let host: HostedService;
let deps: HostDeps<object>;
let client: OwnedServiceClient<typeof AuditServiceService>;
let issuer: BuiltinIssuer;
let now = T0;
const tokens: Record<string, string> = {};

function list(token: string | undefined, request: Partial<ListAuditRecordsRequest>): Promise<ListAuditRecordsResponse> {
  return client.listAuditRecords({ ...RANGE, outcome: AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED, ...request }, { token, timeoutMs: 5_000 });
}

async function refusal(call: Promise<unknown>): Promise<RemoteError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught as RemoteError,
  );
  if (error === undefined) throw new Error("the query was answered");
  return error;
}

/** Every record of the demo service's trail, read with the national regulator's token (which records that read too). */
async function everything(): Promise<AuditRecord[]> {
  return (await list(tokens["national"], { first: 200 })).records;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ihp-audit-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
  host = await startServiceHost<object>({
    context: "demo",
    config: baseConfigSchema.parse({ SERVICE_NAME: "demo", DATA_DIR: dir, GRPC_PORT: "0" }),
    verifier: TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" }),
    clock: () => now,
    logger: createLogger({ name: "demo", level: "silent" }),
    grpc: (built) => {
      deps = built;
      return [];
    },
  });
  client = serviceClient(AuditServiceService, `127.0.0.1:${host.grpcPort}`, channelCredentials(), { mapError: fromGrpcError });
  const issue = (subject: string, roles: Role[], tenantId: string) => issuer.issue({ subject, roles, tenantId });
  tokens["admin1"] = await issue("admin-1", ["institution_admin"], "inst-1");
  tokens["admin2"] = await issue("admin-2", ["institution_admin"], "inst-2");
  tokens["national"] = await issue("regulator-national", ["regulator"], "national");
  tokens["tianjin"] = await issue("regulator-tj", ["regulator"], "tianjin");
  tokens["physician"] = await issue("doc-1", ["physician"], "inst-1");
  tokens["patient"] = await issue("pat-1", ["patient"], "inst-1");
  tokens["system"] = await issuer.issue({ subject: "svc-consult", roles: ["system"], tenantId: "inst-1", kind: "service" });

  // What the service refused before anyone looked: in inst-1, in inst-2, and an anonymous caller.
  await deps.audit.refused({ principal: person("doc-1", ["physician"], "inst-1"), action: "RegisterInstitution", reason: "ROLE_NOT_ALLOWED", correlationId: "c-1" });
  await deps.audit.refused({
    principal: person("admin-2", ["institution_admin"], "inst-2"),
    action: "ChangeLicence",
    reason: "TENANT_MISMATCH",
    resource: "institution/inst-1",
    ruleId: "XC-03",
    correlationId: "c-2",
  });
  now = new Date("2026-03-03T02:00:00Z");
  await deps.audit.refused({ action: "GetInstitution", reason: "UNAUTHENTICATED", correlationId: "c-3" });
  await deps.audit.refused({ principal: person("doc-1", ["physician"], "inst-1"), action: "ChangeLicence", reason: "ROLE_NOT_ALLOWED", correlationId: "c-4" });
  now = new Date("2026-03-04T02:00:00Z");
}, 30_000);

afterAll(async () => {
  client?.close();
  await host?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("ihp.audit.v1.AuditService/ListAuditRecords, served by every hosted service", () => {
  it("XC-01: medical administration sees its own institution's records only, minimized to ids and codes", async () => {
    const page = await list(tokens["admin1"], {});
    const refused = page.records.filter((record) => record.outcome === AuditOutcome.AUDIT_OUTCOME_REFUSED);
    expect(refused.map((record) => [record.action, record.actorId, record.reasonCode])).toEqual([
      ["RegisterInstitution", "doc-1", "ROLE_NOT_ALLOWED"],
      ["ChangeLicence", "doc-1", "ROLE_NOT_ALLOWED"],
    ]);
    expect(page.records.every((record) => record.institutionId === "inst-1" && record.service === "demo")).toBe(true);
    // Exactly the proto's fields: nothing else can be carried (no payload, no free text).
    for (const record of page.records) expect(Object.keys(record).sort()).toEqual(Object.keys(AuditRecord.create()).sort());
  });

  it("XC-01: every audit query is itself an audit record: who, what scope, when — before its answer leaves", async () => {
    now = new Date("2026-03-04T03:00:00Z");
    const first = await list(tokens["admin1"], {});
    const own = first.records.filter((record) => record.action === "ListAuditRecords" && record.occurredAt === now.toISOString());
    // The query's own record is in its own answer: it was appended first.
    expect(own).toEqual([
      expect.objectContaining({
        outcome: AuditOutcome.AUDIT_OUTCOME_ALLOWED,
        actorId: "admin-1",
        actorRoles: ["institution_admin"],
        institutionId: "inst-1",
        resource: "audit/demo/institution/inst-1",
        reasonCode: undefined,
      }),
    ]);
  });

  it("XC-01: an institution_admin cannot read another institution's records; the attempt is recorded", async () => {
    now = new Date("2026-03-04T04:00:00Z");
    const error = await refusal(list(tokens["admin1"], { institutionId: "inst-2" }));
    expect([error.code, error.status]).toEqual(["TENANT_MISMATCH", 7]);
    const other = await list(tokens["admin2"], {});
    expect(other.records.some((record) => record.institutionId !== "inst-2")).toBe(false);
    expect(other.records.map((record) => record.actorId)).not.toContain("doc-1");
    const recorded = (await everything()).filter((record) => record.occurredAt === now.toISOString() && record.outcome === AuditOutcome.AUDIT_OUTCOME_REFUSED);
    expect(recorded).toEqual([
      expect.objectContaining({ action: "ListAuditRecords", actorId: "admin-1", reasonCode: "TENANT_MISMATCH", resource: "audit/demo" }),
    ]);
  });

  it("XC-01: the national regulator sees every institution (and anonymous callers) and can narrow by institution, actor, action and outcome", async () => {
    const all = await everything();
    // Including the regulators' own queries, recorded under their jurisdiction as tenant.
    expect([...new Set(all.map((record) => record.institutionId))].sort()).toEqual(["inst-1", "inst-2", "national", undefined]);
    const narrowed = await list(tokens["national"], {
      institutionId: "inst-1",
      actorId: "doc-1",
      action: "ChangeLicence",
      outcome: AuditOutcome.AUDIT_OUTCOME_REFUSED,
    });
    expect(narrowed.records.map((record) => record.correlationId)).toEqual(["c-4"]);
    const window = await list(tokens["national"], { from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z" });
    expect(window.records.map((record) => record.correlationId)).toEqual(["c-1", "c-2"]);
    expect(window.records[1]).toMatchObject({ ruleId: "XC-03", resource: "institution/inst-1", actorRoles: ["institution_admin"] });
  });

  it("pages oldest first with an opaque cursor; a forged cursor is INVALID_CURSOR", async () => {
    const first = await list(tokens["national"], { first: 2, outcome: AuditOutcome.AUDIT_OUTCOME_REFUSED });
    expect(first.records.map((record) => record.correlationId)).toEqual(["c-1", "c-2"]);
    expect(first.nextCursor).toBeDefined();
    const second = await list(tokens["national"], { first: 2, outcome: AuditOutcome.AUDIT_OUTCOME_REFUSED, after: first.nextCursor });
    expect(second.records.map((record) => record.correlationId)).toEqual(["c-3", "c-4"]);
    expect((await refusal(list(tokens["national"], { after: "bm90LWEtY3Vyc29y" }))).code).toBe("INVALID_CURSOR");
  });

  it("XC-02: every other role is refused with ROLE_NOT_ALLOWED, a provincial regulator with AUDIT_SCOPE_UNAVAILABLE, each attempt recorded", async () => {
    now = new Date("2026-03-04T05:00:00Z");
    for (const who of ["physician", "patient", "system"]) {
      const error = await refusal(list(tokens[who], {}));
      expect([who, error.code, error.status]).toEqual([who, "ROLE_NOT_ALLOWED", 7]);
    }
    expect((await refusal(list(tokens["tianjin"], {}))).code).toBe("AUDIT_SCOPE_UNAVAILABLE");
    expect((await refusal(list(undefined, {}))).code).toBe("TOKEN_MISSING");
    const recorded = (await everything()).filter((record) => record.occurredAt === now.toISOString() && record.outcome === AuditOutcome.AUDIT_OUTCOME_REFUSED);
    expect(recorded.map((record) => [record.actorId, record.reasonCode])).toEqual([
      ["doc-1", "ROLE_NOT_ALLOWED"],
      ["pat-1", "ROLE_NOT_ALLOWED"],
      ["svc-consult", "ROLE_NOT_ALLOWED"],
      ["regulator-tj", "AUDIT_SCOPE_UNAVAILABLE"],
    ]);
  });

  it("XC-02: a range that is missing, reversed or longer than 31 days is AUDIT_RANGE_INVALID", async () => {
    for (const range of [
      { from: "", to: RANGE.to },
      { from: RANGE.to, to: RANGE.from },
      { from: "2026-01-01T00:00:00Z", to: "2026-02-02T00:00:00Z" },
      { from: "yesterday", to: RANGE.to },
    ]) {
      const error = await refusal(list(tokens["admin1"], range));
      expect([error.code, error.status]).toEqual(["AUDIT_RANGE_INVALID", 3]);
    }
  });
});
