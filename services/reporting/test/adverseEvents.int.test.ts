import { DomainError, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { type Principal, RemoteError, type Role } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adverseEventHandlers } from "../src/application/adverseEvents.js";
import type { Caller, SessionCheck } from "../src/application/sessionCheck.js";

function principal(role: Role, tenantId: string, subject = `${role}-1`): Principal {
  return { subject, roles: [role], tenantId, kind: role === "system" ? "service" : "human", sessionId: `session-${subject}` };
}
/** The call as the gRPC adapter passes it on: the verified principal and the token it came with. */
const as = (caller: Principal): Caller => ({ principal: caller, token: `token-of-${caller.subject}` });

/** Identity's CheckSession (IDN-08) as identity answers it: the account's current session is `session-<subject>` unless set. */
class SessionsDouble implements SessionCheck {
  readonly current = new Map<string, string>();
  readonly asked: string[] = [];
  reachable = true;
  checkSession({ principal: clinician, token }: Caller): Promise<void> {
    this.asked.push(`${clinician.subject} ${token}`);
    if (!this.reachable) return Promise.reject(new RemoteError("UNAVAILABLE", "UNAVAILABLE", "identity down", undefined, 14));
    if (clinician.sessionId !== (this.current.get(clinician.subject) ?? `session-${clinician.subject}`)) {
      return Promise.reject(new RemoteError("SESSION_SUPERSEDED", "PERMISSION_DENIED", "You signed in on another device.", "IDN-08", 7));
    }
    return Promise.resolve();
  }
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

async function run(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

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
  let sessions: SessionsDouble;
  const types = async (): Promise<string[]> => (await readWholeLog(store)).map((event: StoredEvent) => event.type);

  beforeEach(() => {
    store = SqliteEventStore.open({ path: ":memory:" });
    sessions = new SessionsDouble();
    handlers = adverseEventHandlers({ store, clock: () => new Date("2026-03-02T08:00:00.000Z"), sessions });
  });
  afterEach(async () => {
    await store.close();
  });

  it("REP-06: a SERIOUS report is suspended by the time it returns; the check sees it; a repeat suspends once", async () => {
    expect(await handlers.report(as(physician), { ...serious, requestId: "req-00000001" })).toEqual({ reportedAt: "2026-03-02T08:00:00.000Z", suspensionId: "ae-00000001" });
    expect((await handlers.check(enforcer, "inst-1", asked)).map((s) => [s.scopeKind, s.scopeValue])).toEqual([["DEPARTMENT", "03.07"]]);
    // Another institution's same department is not suspended.
    expect(await handlers.check(enforcer, "inst-2", asked)).toEqual([]);
    await handlers.report(as(physician), { ...serious, requestId: "req-00000001" });
    expect(await types()).toEqual(["AdverseEventReported", "FeedEntryRecorded", "ScopeSuspended"]);
  });

  it("REP-06: staff report for their own institution only; a refusal writes nothing but its audit record", async () => {
    const error = await refusedWith(handlers.report(as(principal("physician", "inst-2")), serious));
    expect(error.code).toBe("TENANT_MISMATCH");
    expect(await types()).toEqual(["AccessRefused"]);
    expect(await handlers.check(enforcer, "inst-1", asked)).toEqual([]);
  });

  it("REP-06: only the enforcing services' system credential may check; only the institution's admin may lift", async () => {
    await handlers.report(as(physician), serious);
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
    expect((await refusedWith(handlers.report(as(physician), { ...serious, requestId: long }))).code).toBe("INVALID_REQUEST_ID");
    expect((await refusedWith(handlers.report(as(physician), { ...serious, requestId: "r-1" }))).code).toBe("INVALID_REQUEST_ID");
    expect(await types()).toEqual(["AccessRefused", "AccessRefused"]);
    expect(await handlers.check(enforcer, "inst-1", asked)).toEqual([]);
    expect(JSON.stringify((await readWholeLog(store)).map((e) => [e.streamId, e.data, e.metadata]))).not.toContain(long);
  });

  it("IDN-08: a physician or pharmacist whose token is not the account's current session reports nothing (identity's SESSION_SUPERSEDED); only the audit record is written", async () => {
    const pharmacist = principal("pharmacist", "inst-1");
    sessions.current.set("physician-1", "session-newer");
    sessions.current.set("pharmacist-1", "session-newer");
    const refused = [
      await run(handlers.report(as(physician), { ...serious, requestId: "req-00000001" })),
      await run(handlers.report(as(pharmacist), { ...serious, adverseEventId: "ae-00000002", kind: "DRUG", scopeKind: "DRUG", scopeValue: "drug-1" })),
    ];
    for (const error of refused) expect(error).toMatchObject({ code: "SESSION_SUPERSEDED", kind: "PERMISSION_DENIED", ruleId: "IDN-08" });
    expect(sessions.asked).toEqual(["physician-1 token-of-physician-1", "pharmacist-1 token-of-pharmacist-1"]);
    const log = await readWholeLog(store);
    expect(log.map((e) => [e.type, (e.data as { reason?: string; ruleId?: string }).reason, (e.data as { ruleId?: string }).ruleId])).toEqual([
      ["AccessRefused", "SESSION_SUPERSEDED", "IDN-08"],
      ["AccessRefused", "SESSION_SUPERSEDED", "IDN-08"],
    ]);
    expect(await handlers.check(enforcer, "inst-1", asked)).toEqual([]);

    // In the current session the same report is taken.
    sessions.current.clear();
    expect(await handlers.report(as(physician), { ...serious, requestId: "req-00000001" })).toMatchObject({ suspensionId: "ae-00000001" });
  });

  it("IDN-08: the administrator is no clinician, identity is not asked; a nurse's report waits for identity's answer and without it writes nothing", async () => {
    await handlers.report(as(admin), serious);
    expect(sessions.asked).toEqual([]);
    sessions.reachable = false;
    const error = await run(handlers.report(as(principal("nurse", "inst-1")), { ...serious, adverseEventId: "ae-00000003" }));
    expect(error).toMatchObject({ code: "UNAVAILABLE" });
    expect(sessions.asked).toEqual(["nurse-1 token-of-nurse-1"]);
    expect(await types()).toEqual(["AdverseEventReported", "FeedEntryRecorded", "ScopeSuspended"]);
  });

  it("REP-06: a patient reports only of their own consult as the feed recorded it", async () => {
    const patient = principal("patient", "patients", "patient-1");
    const error = await refusedWith(handlers.report(as(patient), { ...serious, consultId: "consult-unknown" }));
    expect(error.code).toBe("ADVERSE_EVENT_CONSULT_REQUIRED");
    expect(await types()).toEqual(["AccessRefused"]);
  });
});
