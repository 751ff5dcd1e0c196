import { DomainError, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import type { Principal, Role } from "@ihp/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adverseEventHandlers } from "../src/application/adverseEvents.js";

function principal(role: Role, tenantId: string, subject = `${role}-1`): Principal {
  return { subject, roles: [role], tenantId, kind: role === "system" ? "service" : "human" };
}
const physician = principal("physician", "inst-1");
const admin = principal("institution_admin", "inst-1");
const enforcer = principal("system", "platform", "svc:consult");
const serious = {
  adverseEventId: "ae-00000001",
  institutionId: "inst-1",
  kind: "MEDICAL_SERVICE",
  severity: "SERIOUS",
  scopeKind: "DEPARTMENT",
  scopeValue: "03.07",
  consultId: "",
  description: "患者描述的严重不良后果",
};
const asked = { clinicianId: "physician-9", departmentCode: "03.07", drugCodes: [] };

async function refusedWith(run: Promise<unknown>): Promise<DomainError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("REP-06 adverse events and suspensions over the store", () => {
  let store: SqliteEventStore;
  let handlers: ReturnType<typeof adverseEventHandlers>;
  const types = async (): Promise<string[]> => (await store.readAll()).map((event: StoredEvent) => event.type);

  beforeEach(() => {
    store = SqliteEventStore.open({ path: ":memory:" });
    handlers = adverseEventHandlers({ store, clock: () => new Date("2026-03-02T08:00:00.000Z") });
  });
  afterEach(async () => {
    await store.close();
  });

  it("REP-06: a SERIOUS report is suspended by the time it returns; the check sees it; a repeat suspends once", async () => {
    expect(await handlers.report(physician, { ...serious, requestId: "req-00000001" })).toEqual({ reportedAt: "2026-03-02T08:00:00.000Z", suspensionId: "ae-00000001" });
    expect((await handlers.check(enforcer, "inst-1", asked)).map((s) => [s.scopeKind, s.scopeValue])).toEqual([["DEPARTMENT", "03.07"]]);
    // Another institution's same department is not suspended.
    expect(await handlers.check(enforcer, "inst-2", asked)).toEqual([]);
    await handlers.report(physician, { ...serious, requestId: "req-00000001" });
    expect(await types()).toEqual(["AdverseEventReported", "FeedEntryRecorded", "ScopeSuspended"]);
  });

  it("REP-06: staff report for their own institution only; a refusal writes nothing but its audit record", async () => {
    const error = await refusedWith(handlers.report(principal("physician", "inst-2"), serious));
    expect(error.code).toBe("TENANT_MISMATCH");
    expect(await types()).toEqual(["AccessRefused"]);
    expect(await handlers.check(enforcer, "inst-1", asked)).toEqual([]);
  });

  it("REP-06: only the enforcing services' system credential may check; only the institution's admin may lift", async () => {
    await handlers.report(physician, serious);
    expect((await refusedWith(handlers.check(physician, "inst-1", asked))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusedWith(handlers.lift(physician, { institutionId: "inst-1", suspensionId: "ae-00000001", reason: "x" }))).code).toBe("ROLE_NOT_ALLOWED");
    const otherAdmin = principal("institution_admin", "inst-2");
    expect((await refusedWith(handlers.lift(otherAdmin, { institutionId: "inst-1", suspensionId: "ae-00000001", reason: "x" }))).code).toBe("TENANT_MISMATCH");
    expect(await handlers.lift(admin, { institutionId: "inst-1", suspensionId: "ae-00000001", reason: "整改完成" })).toBe("2026-03-02T08:00:00.000Z");
    expect(await handlers.check(enforcer, "inst-1", asked)).toEqual([]);
    const [listed] = await handlers.list(admin, "inst-1");
    expect(listed?.lifted).toEqual({ suspensionId: "ae-00000001", liftedBy: "institution_admin-1", reason: "整改完成", liftedAt: "2026-03-02T08:00:00.000Z" });
  });

  it("REP-06: a malformed or oversized request id is INVALID_REQUEST_ID; nothing but the audit record is written", async () => {
    const long = "r".repeat(6_000);
    expect((await refusedWith(handlers.report(physician, { ...serious, requestId: long }))).code).toBe("INVALID_REQUEST_ID");
    expect((await refusedWith(handlers.report(physician, { ...serious, requestId: "r-1" }))).code).toBe("INVALID_REQUEST_ID");
    expect(await types()).toEqual(["AccessRefused", "AccessRefused"]);
    expect(await handlers.check(enforcer, "inst-1", asked)).toEqual([]);
    expect(JSON.stringify((await store.readAll()).map((e) => [e.streamId, e.data, e.metadata]))).not.toContain(long);
  });

  it("REP-06: a patient reports only of their own consult as the feed recorded it", async () => {
    const patient = principal("patient", "patients", "patient-1");
    const error = await refusedWith(handlers.report(patient, { ...serious, consultId: "consult-unknown" }));
    expect(error.code).toBe("ADVERSE_EVENT_CONSULT_REQUIRED");
    expect(await types()).toEqual(["AccessRefused"]);
  });
});
