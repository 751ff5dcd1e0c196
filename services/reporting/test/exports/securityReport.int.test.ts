import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { profileAt } from "@ihp/jurisdiction";
import { createAuditTrail, createLogger, type Principal } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ownLogSource, SECURITY_REPORT_WRITTEN, securityReportJob, type SecurityRecordSource } from "../../src/application/exports/securityReportJob.js";
import { classifySecurityRecord, type SecurityRecord } from "../../src/domain/exports/securityReport.js";
import { parseSecurityReportSources } from "../../src/adapters/auditSources.js";

// XC-07 (Yinchuan art. 24): the daily security report of the previous Beijing day — counts by kind and code, and
// minimized lines (no actor, no resource) — written once per day. The clock is the test's.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const record = (overrides: Partial<SecurityRecord>): SecurityRecord => ({
  service: "identity", occurredAt: "2026-12-06T02:00:00.000Z", action: "Login", outcome: "REFUSED", reasonCode: "INVALID_CREDENTIALS", ruleId: "", institutionId: "inst-1", ...overrides,
});

describe("XC-07 daily security report", () => {
  it("XC-07: refusals, lockouts, step-ups and key events are told apart; other recorded reads are not security events", () => {
    expect(classifySecurityRecord(record({}))).toBe("REFUSAL");
    expect(classifySecurityRecord(record({ reasonCode: "LOGIN_THROTTLED" }))).toBe("LOCKOUT");
    expect(classifySecurityRecord(record({ reasonCode: "ACCOUNT_LOCKED" }))).toBe("LOCKOUT");
    expect(classifySecurityRecord(record({ outcome: "ALLOWED", reasonCode: "", action: "StepUp" }))).toBe("STEP_UP");
    expect(classifySecurityRecord(record({ outcome: "ALLOWED", reasonCode: "", action: "RequestSubjectErasure" }))).toBe("KEY_EVENT");
    expect(classifySecurityRecord(record({ outcome: "ALLOWED", reasonCode: "", action: "SubjectKeyDestroyed" }))).toBe("KEY_EVENT");
    expect(classifySecurityRecord(record({ outcome: "ALLOWED", reasonCode: "", action: "ListAuditRecords" }))).toBeUndefined();
  });

  it("XC-07: the previous day's records of every source, counted by kind and code, in minimized lines, written and recorded once", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    const dir = await mkdtemp(join(tmpdir(), "ihp-security-report-"));
    cleanups.push(() => store.close(), () => rm(dir, { recursive: true, force: true }));
    let now = new Date("2026-12-06T02:00:00.000Z"); // 10:00 Beijing, 2026-12-06
    const trail = createAuditTrail({ store, context: "reporting", clock: () => now, newId: () => uuidv7(now.getTime()) });
    const patient: Principal = { subject: "patient-7f3a", roles: ["patient"], tenantId: "inst-1", kind: "human" };
    await trail.refused({ principal: patient, action: "GetDeliveryStatus", reason: "ROLE_NOT_ALLOWED", resource: "regulator-delivery/institution/inst-1", ruleId: "REP-04", correlationId: "c1" });
    await trail.refused({ principal: patient, action: "ListFeed", reason: "ROLE_NOT_ALLOWED", ruleId: "REP-04", correlationId: "c2" });
    // A patient's data key destroyed by an erasure: the audit record the service host writes beside the key ring's fence.
    const admin: Principal = { subject: "admin-1", roles: ["institution_admin"], tenantId: "inst-1", kind: "human" };
    await trail.recorded({ principal: admin, action: "SubjectKeyDestroyed", resource: "subject-key/patient-7f3a/clinical", correlationId: "c4" });
    now = new Date("2026-12-05T15:59:00.000Z"); // 23:59 Beijing on 12-05: another day
    await trail.refused({ principal: patient, action: "ListFeed", reason: "ROLE_NOT_ALLOWED", correlationId: "c3" });
    // Another service's trail, as its audit query would give it.
    const identity: SecurityRecordSource = {
      service: "identity",
      records: () => Promise.resolve([record({ reasonCode: "LOGIN_THROTTLED" }), record({ outcome: "ALLOWED", reasonCode: "", action: "StepUp", occurredAt: "2026-12-06T03:00:00.000Z" })]),
    };
    now = new Date("2026-12-07T01:00:00.000Z");
    const job = securityReportJob({ store, clock: () => now, logger: createLogger({ name: "reporting", level: "silent" }), dir, sources: [ownLogSource(store), identity] });
    const outcome = await job.reportPreviousDay();
    if (outcome.status !== "WRITTEN") throw new Error(`expected a report, got ${outcome.status}`);
    const { report } = outcome;
    expect(report).toMatchObject({ day: "2026-12-06", profileVersion: profileAt("yinchuan", "2026-12-06").version, sources: ["reporting", "identity"], missingSources: [], counts: { REFUSAL: 2, LOCKOUT: 1, STEP_UP: 1, KEY_EVENT: 1 } });
    expect(report.byCode).toEqual([
      { kind: "REFUSAL", code: "ROLE_NOT_ALLOWED", count: 2 },
      { kind: "LOCKOUT", code: "LOGIN_THROTTLED", count: 1 },
      { kind: "STEP_UP", code: "StepUp", count: 1 },
      { kind: "KEY_EVENT", code: "SubjectKeyDestroyed", count: 1 },
    ]);
    expect(report.lines).toHaveLength(5);
    const written = await readFile(join(dir, "2026-12-06-security.json"), "utf8");
    expect(JSON.parse(written)).toEqual(report);
    // Minimized: no actor, no resource.
    expect(written).not.toContain("patient-7f3a");
    expect(written).not.toContain("regulator-delivery/");

    now = new Date("2026-12-07T05:00:00.000Z");
    expect(await job.reportPreviousDay()).toEqual({ day: "2026-12-06", status: "ALREADY_WRITTEN", report });
    expect((await readWholeLog(store)).filter((event) => event.type === SECURITY_REPORT_WRITTEN)).toHaveLength(1);
  });

  it("XC-07: a service whose trail cannot be read is named in the report, the day is not recorded, and the next run reads it again", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    const dir = await mkdtemp(join(tmpdir(), "ihp-security-report-"));
    cleanups.push(() => store.close(), () => rm(dir, { recursive: true, force: true }));
    let reachable = false;
    const consult: SecurityRecordSource = {
      service: "consult",
      records: () => (reachable ? Promise.resolve([record({ service: "consult", reasonCode: "TENANT_MISMATCH" })]) : Promise.reject(new Error("connect ECONNREFUSED"))),
    };
    const identity: SecurityRecordSource = { service: "identity", records: () => Promise.resolve([record({})]) };
    const job = securityReportJob({ store, clock: () => new Date("2026-12-07T01:00:00.000Z"), logger: createLogger({ name: "reporting", level: "silent" }), dir, sources: [identity, consult] });
    const first = await job.reportPreviousDay();
    if (first.status !== "INCOMPLETE") throw new Error(`expected an incomplete report, got ${first.status}`);
    expect(first.report).toMatchObject({ sources: ["identity"], missingSources: ["consult"], counts: { REFUSAL: 1 } });
    expect(JSON.parse(await readFile(join(dir, "2026-12-06-security.json"), "utf8"))).toMatchObject({ missingSources: ["consult"] });
    expect((await readWholeLog(store)).filter((event) => event.type === SECURITY_REPORT_WRITTEN)).toHaveLength(0);
    reachable = true;
    const second = await job.reportPreviousDay();
    if (second.status !== "WRITTEN") throw new Error(`expected the report, got ${second.status}`);
    expect(second.report).toMatchObject({ sources: ["identity", "consult"], missingSources: [], counts: { REFUSAL: 2 } });
    expect(JSON.parse(await readFile(join(dir, "2026-12-06-security.json"), "utf8"))).toMatchObject({ missingSources: [], counts: { REFUSAL: 2 } });
  });

  it("XC-07: SECURITY_REPORT_SOURCES names each service once as name=host:port", () => {
    expect(parseSecurityReportSources(" identity=identity:50051, consult=10.0.0.7:50052 ")).toEqual([
      { service: "identity", address: "identity:50051" },
      { service: "consult", address: "10.0.0.7:50052" },
    ]);
    expect(parseSecurityReportSources(undefined)).toEqual([]);
    expect(() => parseSecurityReportSources("identity=identity")).toThrow(/name=host:port/);
    expect(() => parseSecurityReportSources("identity=a:1,identity=b:2")).toThrow(/twice/);
  });
});
