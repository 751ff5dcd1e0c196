import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEnvelope } from "@ihp/contracts";
import {
  HospitalGrade,
  InstitutionRegistered,
  InstitutionServiceService,
  LicenceChanged,
  RegulatorConnectionChanged,
  type RegisterInstitutionRequest,
} from "@ihp/contracts/identity";
import type { StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { profileAt } from "@ihp/jurisdiction";
import { type BusMessage, type Consumer, InProcessBus } from "@ihp/messaging";
import {
  BuiltinIssuer,
  createLogger,
  loadConfig,
  type Role,
  startTracing,
  TokenVerifier,
  type Tracing,
} from "@ihp/platform";
import { readWholeLog, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityConfigSchema, type IdentityService, startIdentityService } from "../src/index.js";
import { refusalOf, ServiceClient } from "./support/client.js";

const NOW = new Date("2026-03-02T02:00:00Z");
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let dataDir: string;
let tracing: Tracing;
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let consumer: Consumer;
let service: IdentityService;
let client: ServiceClient<typeof InstitutionServiceService>;
let log: SqliteEventStore;
const published: BusMessage[] = [];
let requests = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "identity-int-"));
  // The server span continues the caller's traceparent only with a real context manager.
  tracing = startTracing({ serviceName: "identity-test" });
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  bus = new InProcessBus();
  consumer = await bus.consume({ durable: "identity-test", subjects: ["ihp.identity.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });
  const config = loadConfig(identityConfigSchema, {
    SERVICE_NAME: "identity",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "1000",
  });
  service = await startIdentityService({
    config,
    bus,
    verifier,
    clock: () => new Date(NOW),
    logger: createLogger({ name: "identity", level: "silent" }),
  });
  client = new ServiceClient(InstitutionServiceService, service.grpcPort);
  // A second connection to the service's log, to see exactly what was appended.
  log = SqliteEventStore.open({ path: join(dataDir, "identity-events.sqlite") });
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await log?.close();
  await consumer?.stop();
  await bus?.close();
  await tracing?.shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

function token(roles: readonly Role[], tenantId = "platform", subject = "u-test"): Promise<string> {
  return issuer.issue({ subject, roles, tenantId });
}

const system = (): Promise<string> => token(["system"], "platform", "svc-operator");

function registration(overrides: Partial<RegisterInstitutionRequest> = {}): RegisterInstitutionRequest {
  return {
    requestId: `req-${++requests}-00000000`,
    name: "天津市示范互联网医院",
    grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
    licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
    subjectCodes: ["03", "03.07"],
    jurisdiction: "tianjin",
    hostInstitutionName: "天津市示范医院",
    hostLicenceNumber: "PDY00001X12010217A0001",
    ...overrides,
  };
}

async function register(overrides: Partial<RegisterInstitutionRequest> = {}): Promise<string> {
  const response = await client.call("registerInstitution", registration(overrides), await system());
  return response.institution!.institutionId;
}

async function institutionEventCount(): Promise<number> {
  return (await readWholeLog(log)).filter((event) => event.streamId.startsWith("identity-institution-")).length;
}

async function refusalsFor(correlationId: string): Promise<StoredEvent[]> {
  return (await readWholeLog(log)).filter((event) => event.type === "AccessRefused" && event.metadata.correlationId === correlationId);
}

describe("institutions over gRPC", () => {
  it("IDN-10: registers, reads back and lists an institution in the public directory", async () => {
    const request = registration({ name: "  北辰互联网医院 " });
    const { institution } = await client.call("registerInstitution", request, await system());
    expect(institution).toMatchObject({
      name: "北辰互联网医院",
      grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
      subjectCodes: ["03", "03.07"],
      jurisdiction: "tianjin",
      regulatorConnected: false,
      revision: 0n,
    });
    const id = institution!.institutionId;

    const admin = await token(["institution_admin"], id);
    const got = await client.call("getInstitution", { institutionId: id }, admin);
    expect(got.institution).toEqual(institution);
    const regulator = await token(["regulator"], "tj-regulator");
    expect((await client.call("getInstitution", { institutionId: id }, regulator)).institution).toEqual(institution);

    let listed: Awaited<ReturnType<typeof listAll>> = [];
    await waitFor(async () => (listed = await listAll()).some((entry) => entry.institutionId === id), 5_000, "directory entry");
    // No token needed, and only the published fields (PublicInstitution has nothing else).
    expect(listed.find((entry) => entry.institutionId === id)).toEqual({
      institutionId: id,
      name: "北辰互联网医院",
      grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
      licenceNumber: "PDY00001X12010217A1001",
      subjectCodes: ["03", "03.07"],
      jurisdiction: "tianjin",
    });
  });

  it("XC-08, XC-01: the event records who, for which institution, the request, the trace and the profile version", async () => {
    const request = registration();
    const { institution } = await client.call("registerInstitution", request, await system(), {
      traceparent: TRACEPARENT,
      "x-correlation-id": "corr-xc08",
    });
    const id = institution!.institutionId;
    const [event, ...more] = await log.readStream(`identity-institution-${id}`);
    expect(more).toEqual([]);
    expect(event!.type).toBe("InstitutionRegistered");
    expect(event!.metadata).toMatchObject({
      actorId: "svc-operator",
      actorRole: "system",
      tenantId: id,
      correlationId: "corr-xc08",
      causationId: request.requestId,
      requestId: request.requestId,
      occurredAt: NOW.toISOString(),
      profileVersion: profileAt("tianjin", NOW).version,
    });
    expect(event!.metadata.traceparent).toContain(TRACE_ID);
  });

  it("answers a repeated request id with the same institution and appends nothing", async () => {
    const request = registration();
    const first = await client.call("registerInstitution", request, await system());
    const before = await institutionEventCount();
    const again = await client.call("registerInstitution", { ...request, name: "另一个名字" }, await system());
    expect(again.institution).toEqual(first.institution);
    expect(await institutionEventCount()).toBe(before);
  });

  it("XC-02: refuses a mutation without a request id, and records the refusal", async () => {
    const refusal = await refusalOf(
      client.call("registerInstitution", registration({ requestId: "" }), await system(), { "x-correlation-id": "corr-noreq" }),
    );
    expect(refusal).toMatchObject({ code: "REQUEST_ID_REQUIRED", kind: "INVALID_ARGUMENT" });
    expect((await refusalsFor("corr-noreq")).map((event) => event.data["reason"])).toEqual(["REQUEST_ID_REQUIRED"]);
  });

  it.each<[string, Role[]]>([
    ["patient", ["patient"]],
    ["physician", ["physician"]],
    ["regulator", ["regulator"]],
    ["institution admin", ["institution_admin"]],
  ])("XC-02: a %s may not register an institution, and the refused attempt is an AccessRefused event", async (label, roles) => {
    const correlationId = `corr-register-${label.replace(" ", "-")}`;
    const before = await institutionEventCount();
    const refusal = await refusalOf(
      client.call("registerInstitution", registration(), await token(roles, "some-tenant", "u-refused"), {
        "x-correlation-id": correlationId,
      }),
    );
    expect(refusal).toMatchObject({ code: "ROLE_NOT_ALLOWED", kind: "PERMISSION_DENIED" });
    expect(await institutionEventCount()).toBe(before);
    const [recorded, ...more] = await refusalsFor(correlationId);
    expect(more).toEqual([]);
    expect(recorded!.streamId).toBe("identity-audit-2026-03-02");
    expect(recorded!.data).toMatchObject({ action: "RegisterInstitution", reason: "ROLE_NOT_ALLOWED", roles });
    expect(recorded!.metadata).toMatchObject({ actorId: "u-refused", tenantId: "some-tenant" });
  });

  it("REP-02: the institution's admin changes its licence; an admin of another institution is refused and recorded", async () => {
    const id = await register();
    const other = await register();
    const licence = { number: "PDY00001X12010217A1002", validFrom: "2026-03-01", validUntil: "2031-02-28" };

    const change = (requestId: string) => ({ requestId, institutionId: id, licence, subjectCodes: [] });
    const otherAdmin = await token(["institution_admin"], other);
    const refusal = await refusalOf(
      client.call("changeLicence", change("change-0000001"), otherAdmin, { "x-correlation-id": "corr-tenant" }),
    );
    expect(refusal).toMatchObject({ code: "TENANT_MISMATCH", kind: "PERMISSION_DENIED" });
    expect((await refusalsFor("corr-tenant"))[0]!.data).toMatchObject({
      action: "ChangeLicence",
      reason: "TENANT_MISMATCH",
      resource: `institution/${id}`,
    });
    const physician = await refusalOf(client.call("changeLicence", change("change-0000002"), await token(["physician"], id)));
    expect(physician.code).toBe("ROLE_NOT_ALLOWED");
    // A physician of the institution may read it (consult checks REP-01 with their token); one of another may not.
    const reader = await client.call("getInstitution", { institutionId: id }, await token(["physician"], id));
    expect(reader.institution?.institutionId).toBe(id);
    const stranger = await refusalOf(client.call("getInstitution", { institutionId: id }, await token(["physician"], other)));
    expect(stranger.code).toBe("TENANT_MISMATCH");

    const changed = await client.call(
      "changeLicence",
      { requestId: "change-0000003", institutionId: id, licence, subjectCodes: ["07"] },
      await token(["institution_admin"], id),
    );
    expect(changed.institution).toMatchObject({ licence, subjectCodes: ["07"], revision: 1n });
    const events = await log.readStream(`identity-institution-${id}`);
    expect(events.map((event) => [event.type, event.metadata.actorRole])).toEqual([
      ["InstitutionRegistered", "system"],
      ["LicenceChanged", "institution_admin"],
    ]);
  });

  it.each<[string, Partial<RegisterInstitutionRequest>, string]>([
    ["an unknown subject code", { subjectCodes: ["03", "99.01"] }, "UNKNOWN_SUBJECT_CODE"],
    [
      "malformed licence dates",
      { licence: { number: "PDY00001X12010217A1001", validFrom: "2024-13-01", validUntil: "2029-12-31" } },
      "INVALID_LICENCE",
    ],
    ["no licence at all", { licence: undefined }, "INVALID_LICENCE"],
    ["an empty name", { name: " " }, "INVALID_INSTITUTION_NAME"],
    ["an unspecified grade", { grade: HospitalGrade.HOSPITAL_GRADE_UNSPECIFIED }, "INVALID_GRADE"],
    ["an unknown jurisdiction", { jurisdiction: "shanghai" }, "UNKNOWN_JURISDICTION"],
  ])("XC-02: refuses %s with INVALID_ARGUMENT and a stable code, appending no institution event", async (_label, change, code) => {
    const before = await institutionEventCount();
    const correlationId = `corr-bad-${code}-${++requests}`;
    const refusal = await refusalOf(
      client.call("registerInstitution", registration(change), await system(), { "x-correlation-id": correlationId }),
    );
    expect(refusal).toMatchObject({ code, kind: "INVALID_ARGUMENT", status: 3 });
    expect(await institutionEventCount()).toBe(before);
    expect((await refusalsFor(correlationId)).map((event) => event.data["reason"])).toEqual([code]);
  });

  it("REP-01: connecting needs the platform's reference; connecting and disconnecting are recorded", async () => {
    const id = await register();
    const admin = await token(["institution_admin"], id);
    const withoutReference = { requestId: "connect-000001", institutionId: id, connected: true, platformReference: "" };
    const refusal = await refusalOf(client.call("setRegulatorConnection", withoutReference, admin));
    expect(refusal).toMatchObject({ code: "PLATFORM_REFERENCE_REQUIRED", ruleId: "REP-01" });

    const connected = await client.call(
      "setRegulatorConnection",
      { requestId: "connect-000002", institutionId: id, connected: true, platformReference: "TJ-JG-2026-0042" },
      admin,
    );
    expect(connected.institution).toMatchObject({ regulatorConnected: true, revision: 1n });
    const disconnected = await client.call(
      "setRegulatorConnection",
      { requestId: "connect-000003", institutionId: id, connected: false, platformReference: "" },
      await system(),
    );
    expect(disconnected.institution).toMatchObject({ regulatorConnected: false, revision: 2n });
  });

  it("refuses unknown and malformed institution ids", async () => {
    const unknownId = "0193a9f2-7c1d-8e4b-9a6f-000000000000";
    const missing = await refusalOf(client.call("getInstitution", { institutionId: unknownId }, await system()));
    expect(missing).toMatchObject({ code: "INSTITUTION_NOT_FOUND", kind: "NOT_FOUND" });
    const malformed = await refusalOf(client.call("getInstitution", { institutionId: "not-a-uuid" }, await system()));
    expect(malformed.code).toBe("INVALID_INSTITUTION_ID");
    const anonymous = await refusalOf(client.call("getInstitution", { institutionId: "not-a-uuid" }));
    expect(anonymous.code).toBe("TOKEN_MISSING");
  });

  it("IDN-10: pages the directory with opaque cursors and refuses a forged one", async () => {
    for (let i = 0; i < 3; i++) await register({ name: `分页测试医院${i}` });
    let entries = 0;
    await waitFor(async () => (entries = (await listAll()).length) >= 3, 5_000, "three directory entries");
    const first = await client.call("listPublicInstitutions", { page: { first: 2, after: "" } });
    expect(first.institutions).toHaveLength(2);
    expect(first.pageInfo).toMatchObject({ hasNextPage: entries > 2 });
    const second = await client.call("listPublicInstitutions", { page: { first: 2, after: first.pageInfo!.endCursor } });
    expect(second.institutions[0]!.institutionId).not.toBe(first.institutions[1]!.institutionId);
    const forged = await refusalOf(client.call("listPublicInstitutions", { page: { first: 2, after: "bm9wZQ" } }));
    expect(forged.code).toBe("INVALID_CURSOR");
  });

  it("REP-02: the relay publishes InstitutionRegistered and LicenceChanged as protobuf integration events", async () => {
    const id = await register();
    const licence = { number: "PDY00001X12010217A1003", validFrom: "2026-03-01", validUntil: "2031-02-28" };
    const change = { requestId: "relay-change-01", institutionId: id, licence, subjectCodes: [] };
    await client.call("changeLicence", change, await system(), { traceparent: TRACEPARENT });
    const mine = (): EventEnvelope[] =>
      published.map((message) => EventEnvelope.decode(message.data)).filter((envelope) => envelope.metadata?.tenantId === id);
    await waitFor(() => mine().length === 2, 5_000, "two integration events");

    const [registered, changed] = mine();
    expect(registered).toMatchObject({
      type: "InstitutionRegistered",
      streamId: `identity-institution-${id}`,
      streamRevision: 0n,
      contentType: "application/x-protobuf; proto=ihp.identity.v1.InstitutionRegistered",
    });
    expect(InstitutionRegistered.decode(registered!.payload).institution).toMatchObject({
      institutionId: id,
      grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
      licence: { number: "PDY00001X12010217A1001" },
    });
    expect(changed).toMatchObject({
      type: "LicenceChanged",
      contentType: "application/x-protobuf; proto=ihp.identity.v1.LicenceChanged",
    });
    expect(changed!.metadata).toMatchObject({ actorRole: "system", profileVersion: profileAt("tianjin", NOW).version });
    expect(changed!.metadata!.traceparent).toContain(TRACE_ID);
    expect(LicenceChanged.decode(changed!.payload)).toEqual({ institutionId: id, licence, subjectCodes: ["03", "03.07"] });

    const subjects = published.filter((message) => message.id === changed!.id).map((message) => message.subject);
    expect(subjects).toEqual(["ihp.identity.v1.LicenceChanged"]);
    expect(published.filter((message) => message.id === changed!.id)[0]!.headers["traceparent"]).toContain(TRACE_ID);
  });

  it("REP-01: publishes connection changes; refusals never leave the service", async () => {
    const id = await register();
    await client.call(
      "setRegulatorConnection",
      { requestId: "relay-connect-1", institutionId: id, connected: true, platformReference: "TJ-JG-9" },
      await system(),
    );
    let envelope: EventEnvelope | undefined;
    await waitFor(() => {
      envelope = published
        .map((message) => EventEnvelope.decode(message.data))
        .find((candidate) => candidate.type === "RegulatorConnectionChanged" && candidate.metadata?.tenantId === id);
      return envelope !== undefined;
    }, 5_000, "RegulatorConnectionChanged");
    expect(RegulatorConnectionChanged.decode(envelope!.payload)).toEqual({
      institutionId: id,
      connected: true,
      platformReference: "TJ-JG-9",
    });
    expect(published.some((message) => message.subject.endsWith("AccessRefused"))).toBe(false);
  });
});

async function listAll() {
  const entries = [];
  let after = "";
  for (;;) {
    const page = await client.call("listPublicInstitutions", { page: { first: 100, after } });
    entries.push(...page.institutions);
    if (!page.pageInfo!.hasNextPage) return entries;
    after = page.pageInfo!.endCursor;
  }
}
