import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACCESS_RECORDED, ACCESS_REFUSED, auditStreamId, createAuditQuery, createAuditTrail, type Principal } from "../src/index.js";

const admin: Principal = { subject: "u-2001", roles: ["institution_admin", "physician"], tenantId: "inst-1", kind: "human" };
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

let store: SqliteEventStore;
let now: Date;
let ids: number;

beforeEach(() => {
  store = SqliteEventStore.open({ path: ":memory:" });
  // 00:30 on 1 March in Beijing, still 28 February in UTC.
  now = new Date("2026-02-28T16:30:00Z");
  ids = 0;
});
afterEach(() => store.close());

function trail() {
  return createAuditTrail({ store, context: "identity", clock: () => now, newId: () => `evt-${++ids}` });
}

describe("audit trail (XC-01, XC-02: every refused attempt is itself logged)", () => {
  it("XC-02: appends who, roles, tenant, action, reason and when to the day's stream, and nothing personal", async () => {
    const event = await trail().refused({
      principal: admin,
      action: "ChangeLicence",
      reason: "TENANT_MISMATCH",
      resource: "institution/inst-2",
      correlationId: "corr-1",
      trace: { traceparent: TRACEPARENT },
    });

    expect(event.streamId).toBe("identity-audit-2026-03-01");
    expect(event.type).toBe(ACCESS_REFUSED);
    expect(event.data).toEqual({
      action: "ChangeLicence",
      reason: "TENANT_MISMATCH",
      resource: "institution/inst-2",
      roles: ["institution_admin", "physician"],
    });
    expect(event.metadata).toEqual({
      actorId: "u-2001",
      actorRole: "institution_admin,physician",
      tenantId: "inst-1",
      correlationId: "corr-1",
      causationId: "corr-1",
      occurredAt: "2026-02-28T16:30:00.000Z",
      traceparent: TRACEPARENT,
    });
    expect(await store.readStream("identity-audit-2026-03-01")).toHaveLength(1);
  });

  it("XC-01: refusals of one day share a stream without revision checks; the next day starts a new one", async () => {
    const audit = trail();
    await audit.refused({ principal: admin, action: "A", reason: "ROLE_NOT_ALLOWED", correlationId: "c1" });
    await Promise.all([
      audit.refused({ principal: admin, action: "B", reason: "ROLE_NOT_ALLOWED", correlationId: "c2" }),
      audit.refused({ principal: admin, action: "C", reason: "INVALID_LICENCE", ruleId: "REP-02", correlationId: "c3" }),
    ]);
    now = new Date("2026-03-01T16:00:00Z");
    await audit.refused({ principal: admin, action: "D", reason: "ROLE_NOT_ALLOWED", correlationId: "c4" });

    const first = await store.readStream("identity-audit-2026-03-01");
    expect(first.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(first.find((e) => e.data["action"] === "C")?.data["ruleId"]).toBe("REP-02");
    expect(await store.readStream("identity-audit-2026-03-02")).toHaveLength(1);
    expect((await store.verify()).ok).toBe(true);
  });

  it("records an unidentified caller as anonymous", async () => {
    const event = await trail().refused({ action: "GetInstitution", reason: "UNAUTHENTICATED", correlationId: "c" });
    expect(event.metadata).toMatchObject({ actorId: "anonymous", actorRole: "anonymous", tenantId: "" });
    expect(event.data["roles"]).toEqual([]);
    expect(event.data).not.toHaveProperty("resource");
  });

  it("refuses malformed input before appending", async () => {
    await expect(trail().refused({ principal: admin, action: "", reason: "X", correlationId: "c" })).rejects.toThrow(TypeError);
    expect(() => createAuditTrail({ store, context: "Identity Service", clock: () => now, newId: () => "x" })).toThrow(TypeError);
    expect(await store.readAll({ limit: 10 })).toHaveLength(0);
  });

  it("XC-02: a refusal whose resource id the caller made too long is still recorded, under the kind and a hash, never the text", async () => {
    // Found probing the gateway: a 6,000-character practitioner id made recording the refusal throw, so the caller got
    // INTERNAL instead of the refusal's code and nothing was recorded.
    const id = "患者陈某".repeat(60);
    const event = await trail().refused({ principal: admin, action: "SetPractitionerPassword", reason: "INVALID_PRACTITIONER_ID", resource: `practitioner/${id}`, correlationId: "c" });
    const resource = event.data["resource"] as string;
    expect(resource).toMatch(/^practitioner\/sha256:[0-9a-f]{64}$/);
    expect(resource).not.toContain("患者");
    const shapeless = await trail().refused({ principal: admin, action: "GetThing", reason: "X", resource: "z".repeat(500), correlationId: "c" });
    expect(shapeless.data["resource"]).toMatch(/^resource\/sha256:[0-9a-f]{64}$/);
    expect(await store.readAll({ limit: 10 })).toHaveLength(2);
  });

  it("names the stream by the Beijing civil day", () => {
    expect(auditStreamId("consult", new Date("2026-12-31T15:59:59Z"))).toBe("consult-audit-2026-12-31");
    expect(auditStreamId("consult", new Date("2026-12-31T16:00:00Z"))).toBe("consult-audit-2027-01-01");
  });
});

describe("allowed sensitive accesses and the audit query (XC-01)", () => {
  const regulator: Principal = { subject: "reg-1", roles: ["regulator"], tenantId: "national", kind: "human" };

  it("XC-01: an allowed access is recorded as AccessRecorded with who, what and ids only", async () => {
    const event = await trail().recorded({ principal: admin, action: "ListAuditRecords", resource: "audit/identity/institution/inst-1", correlationId: "c-9" });
    expect(event.type).toBe(ACCESS_RECORDED);
    expect(event.streamId).toBe("identity-audit-2026-03-01");
    expect(event.data).toEqual({ action: "ListAuditRecords", resource: "audit/identity/institution/inst-1", roles: ["institution_admin", "physician"] });
    expect(event.metadata).toMatchObject({ actorId: "u-2001", tenantId: "inst-1", correlationId: "c-9" });
  });

  it("XC-01: a range across Beijing midnight reads both days' streams, and only records inside the range", async () => {
    const audit = trail();
    for (const [at, action] of [
      ["2026-03-01T15:29:59Z", "Before"],
      ["2026-03-01T15:59:59Z", "LastOfFirstDay"],
      ["2026-03-01T16:00:00Z", "FirstOfSecondDay"],
      ["2026-03-01T16:30:00Z", "AtTheEnd"],
    ] as const) {
      now = new Date(at);
      await audit.refused({ principal: admin, action, reason: "ROLE_NOT_ALLOWED", correlationId: "c" });
    }
    now = new Date("2026-03-05T00:00:00Z");
    const query = createAuditQuery({ store, context: "identity", audit });
    const page = await query.list({ principal: regulator, correlationId: "q-1" }, { from: "2026-03-01T15:30:00Z", to: "2026-03-01T16:30:00Z", outcome: "REFUSED" });
    expect(page.records.map((record) => record.action)).toEqual(["LastOfFirstDay", "FirstOfSecondDay"]);
    // The query itself went into the day it ran on.
    expect((await store.readStream("identity-audit-2026-03-05")).map((event) => [event.type, event.data["action"]])).toEqual([[ACCESS_RECORDED, "ListAuditRecords"]]);
  });

  it("XC-07: reporting's security_report service credential lists every institution's records; other service roles and people holding it are refused, role first", async () => {
    const audit = trail();
    await audit.refused({ principal: admin, action: "RegisterInstitution", reason: "ROLE_NOT_ALLOWED", correlationId: "c" });
    await audit.refused({ principal: { ...admin, tenantId: "inst-2" }, action: "StepUp", reason: "LOGIN_THROTTLED", correlationId: "c" });
    const query = createAuditQuery({ store, context: "identity", audit });
    const range = { from: "2026-02-28T16:00:00Z", to: "2026-03-01T16:00:00Z" };
    const reporter: Principal = { subject: "svc:reporting", roles: ["security_report"], tenantId: "platform", kind: "service" };
    const page = await query.list({ principal: reporter, correlationId: "q-1" }, { ...range, outcome: "REFUSED" });
    expect(page.records.map((record) => [record.institutionId, record.reasonCode])).toEqual([
      ["inst-1", "ROLE_NOT_ALLOWED"],
      ["inst-2", "LOGIN_THROTTLED"],
    ]);
    const refusedCode = async (principal: Principal, filter: { from: string; to: string }) =>
      query.list({ principal, correlationId: "q-2" }, filter).then(() => "ALLOWED", (error: { code?: string }) => error.code);
    // Role first: a malformed range still gets the role refusal.
    const broken = { from: "not a time", to: "" };
    expect(await refusedCode({ subject: "svc:consult", roles: ["system"], tenantId: "platform", kind: "service" }, broken)).toBe("ROLE_NOT_ALLOWED");
    expect(await refusedCode({ subject: "svc:records", roles: ["records"], tenantId: "platform", kind: "service" }, broken)).toBe("ROLE_NOT_ALLOWED");
    expect(await refusedCode({ subject: "u-1", roles: ["physician"], tenantId: "inst-1", kind: "human" }, broken)).toBe("ROLE_NOT_ALLOWED");
    // The role on a person's token is not the service's credential.
    expect(await refusedCode({ subject: "u-2", roles: ["security_report"], tenantId: "inst-1", kind: "human" }, range)).toBe("AUDIT_SCOPE_UNAVAILABLE");
    // Every query, allowed or refused, is itself an audit record.
    const own = (await store.readStream("identity-audit-2026-03-01")).filter((event) => event.data["action"] === "ListAuditRecords");
    expect(own.map((event) => [event.type, event.metadata.actorId])).toEqual([
      [ACCESS_RECORDED, "svc:reporting"],
      [ACCESS_REFUSED, "svc:consult"],
      [ACCESS_REFUSED, "svc:records"],
      [ACCESS_REFUSED, "u-1"],
      [ACCESS_REFUSED, "u-2"],
    ]);
  });
});
