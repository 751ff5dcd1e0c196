import { DomainError, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger, type Principal, type Role } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { incidentHandlers } from "../src/application/incidents.js";
import { recordFeedEntry } from "../src/application/recordFeedEntry.js";
import { LogCapture } from "./support/logCapture.js";
import { appendOtherEvents } from "./support/longLog.js";
import { countingReads, openDeadlinesOver } from "./support/openDeadlines.js";

function principal(role: Role, tenantId: string): Principal {
  return { subject: `${role}-1`, roles: [role], tenantId, kind: role === "system" ? "service" : "human" };
}
const admin = principal("institution_admin", "inst-1");
const leak = { incidentId: "inc-1", institutionId: "inst-1", kind: "DATA_LEAK", operatorClass: "other", categoryCode: "exfiltration" } as const;

async function refusedWith(run: Promise<unknown>): Promise<DomainError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("REP-07 incident handling over the store", () => {
  let store: SqliteEventStore;
  let now: Date;
  let logs: LogCapture;
  let handlers: ReturnType<typeof incidentHandlers>;
  let readModel: ReturnType<typeof openDeadlinesOver>;
  const types = async (): Promise<string[]> => (await readWholeLog(store)).map((event: StoredEvent) => event.type);

  beforeEach(() => {
    store = SqliteEventStore.open({ path: ":memory:" });
    now = new Date("2026-03-02T08:00:00.000Z");
    logs = new LogCapture();
    const logger = createLogger({ name: "reporting", level: "debug", destination: logs });
    readModel = openDeadlinesOver(store);
    handlers = incidentHandlers({ store, clock: () => now, logger, openDeadlines: readModel.deadlines });
  });
  afterEach(async () => {
    await readModel.close();
    await store.close();
  });

  it("REP-07: an admin's DATA_LEAK report appends timestamped tasks; an overdue open task alerts once, with ids only", async () => {
    const [event] = await handlers.reportIncident(admin, leak);
    expect(event?.data).toMatchObject({ reportedAt: "2026-03-02T08:00:00.000Z", tasks: [{ authority: "cyberspace", dueAt: "2026-03-02T12:00:00.000Z" }, { authority: "health" }] });
    await handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "cyberspace", reference: "CAC-2026-17" });
    expect(await handlers.flagOverdueNotifications()).toEqual([]);

    now = new Date("2026-03-02T12:00:01.000Z");
    const flagged = await handlers.flagOverdueNotifications();
    expect(flagged.map((e) => [e.type, (e.data as { authority: string }).authority])).toEqual([["NotificationOverdue", "health"]]);
    expect(await handlers.flagOverdueNotifications()).toEqual([]);
    const alerts = logs.withCode("INCIDENT_NOTIFICATION_OVERDUE");
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts)).not.toContain("exfiltration");
  });

  it("REP-07: an incident reported after more than 1,000 other events in the log still has its overdue tasks flagged", async () => {
    await appendOtherEvents(store, now);
    await handlers.reportIncident(admin, leak);
    now = new Date("2026-03-02T12:00:01.000Z");
    const flagged = await handlers.flagOverdueNotifications();
    expect(flagged.map((e) => (e.data as { authority: string }).authority)).toEqual(["cyberspace", "health"]);
  });

  it("REP-07: the check runs its command only for incidents with a task open past its deadline not yet flagged, and never scans the log", async () => {
    await handlers.reportIncident(admin, leak);
    await handlers.reportIncident(admin, { ...leak, incidentId: "inc-2" });
    await handlers.markAuthorityNotified(admin, { incidentId: "inc-2", authority: "cyberspace", reference: "CAC-1" });
    await handlers.markAuthorityNotified(admin, { incidentId: "inc-2", authority: "health", reference: "WJW-1" });
    const reads = countingReads(store);
    const check = incidentHandlers({ store: reads.store, clock: () => now, logger: createLogger({ name: "reporting", level: "silent" }), openDeadlines: readModel.deadlines });

    expect(await check.flagOverdueNotifications()).toEqual([]);
    now = new Date("2026-03-02T12:00:01.000Z");
    expect((await check.flagOverdueNotifications()).map((e) => [e.streamId, (e.data as { authority: string }).authority])).toEqual([
      ["reporting-incident-inc-1", "cyberspace"],
      ["reporting-incident-inc-1", "health"],
    ]);
    expect(await check.flagOverdueNotifications()).toEqual([]);
    expect(reads.streamsRead).toEqual(["reporting-incident-inc-1"]);
    expect(reads.readAllCalls()).toBe(0);
  });

  it("REP-07: system (the platform's automated detection, a service credential) may report for any institution it runs", async () => {
    const events = await handlers.reportIncident(principal("system", "platform"), { ...leak, kind: "MAJOR_CYBER" });
    expect(await types()).toEqual(["IncidentReported"]);
    expect(events[0]?.metadata.tenantId).toBe("inst-1");
  });

  it("REP-07: each refusal appends nothing but its audit record", async () => {
    const cases: [Promise<unknown>, string][] = [
      [handlers.reportIncident(principal("physician", "inst-1"), leak), "ROLE_NOT_ALLOWED"],
      [handlers.reportIncident(principal("institution_admin", "inst-2"), leak), "TENANT_MISMATCH"],
      [handlers.reportIncident(admin, { ...leak, kind: "PHISHING" }), "INCIDENT_KIND_UNKNOWN"],
      [handlers.markAuthorityNotified(admin, { incidentId: "nope", authority: "health", reference: "x" }), "INCIDENT_NOT_FOUND"],
    ];
    for (const [run, code] of cases) expect((await refusedWith(run)).code).toBe(code);
    expect(await types()).toEqual(["AccessRefused", "AccessRefused", "AccessRefused", "AccessRefused"]);

    await handlers.reportIncident(admin, leak);
    const later: [Promise<unknown>, string][] = [
      [handlers.markAuthorityNotified(principal("system", "inst-1"), { incidentId: "inc-1", authority: "health", reference: "x" }), "ROLE_NOT_ALLOWED"],
      [handlers.markAuthorityNotified(principal("institution_admin", "inst-2"), { incidentId: "inc-1", authority: "health", reference: "x" }), "INCIDENT_OTHER_INSTITUTION"],
      [handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "health", reference: "" }), "NOTIFICATION_REFERENCE_REQUIRED"],
    ];
    for (const [run, code] of later) expect((await refusedWith(run)).code).toBe(code);
    const all = await readWholeLog(store);
    expect(all.map((e) => e.type)).toEqual([...Array<string>(4).fill("AccessRefused"), "IncidentReported", ...Array<string>(3).fill("AccessRefused")]);
    expect(all.filter((e) => e.type === "AccessRefused").map((e) => (e.data as { reason: string }).reason)).toEqual([
      "ROLE_NOT_ALLOWED", "TENANT_MISMATCH", "INCIDENT_KIND_UNKNOWN", "INCIDENT_NOT_FOUND",
      "ROLE_NOT_ALLOWED", "INCIDENT_OTHER_INSTITUTION", "NOTIFICATION_REFERENCE_REQUIRED",
    ]);
  });

  it("REP-07: an authority's reference may be its document number as written, in Chinese", async () => {
    await handlers.reportIncident(admin, leak);
    await handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "health", reference: "京卫应急〔2026〕3号" });
    const events = await readWholeLog(store);
    expect(JSON.stringify(events.at(-1)?.data)).toContain("京卫应急〔2026〕3号");
  });

  it("REP-07: a malformed or oversized id, category code or reference is INVALID_ID, a malformed request id INVALID_REQUEST_ID; nothing but the audit record is written", async () => {
    const long = "x".repeat(6_000);
    const detector = principal("system", "platform");
    const cases: [Promise<unknown>, string][] = [
      [handlers.reportIncident(admin, { ...leak, incidentId: long }), "INVALID_ID"],
      [handlers.reportIncident(admin, { ...leak, incidentId: "inc 1" }), "INVALID_ID"],
      [handlers.reportIncident(detector, { ...leak, institutionId: long }), "INVALID_ID"],
      [handlers.reportIncident(admin, { ...leak, categoryCode: long }), "INVALID_ID"],
      [handlers.reportIncident(admin, { ...leak, requestId: long }), "INVALID_REQUEST_ID"],
      [handlers.reportIncident(admin, { ...leak, requestId: "r-1" }), "INVALID_REQUEST_ID"],
      [handlers.markAuthorityNotified(admin, { incidentId: long, authority: "health", reference: "WJW-1" }), "INVALID_ID"],
    ];
    for (const [run, code] of cases) {
      const error = await refusedWith(run);
      expect([error.code, error.kind]).toEqual([code, "INVALID_ARGUMENT"]);
      expect(error.message).not.toContain(long);
    }
    expect(await types()).toEqual(Array<string>(cases.length).fill("AccessRefused"));

    await handlers.reportIncident(admin, leak);
    const notified = [
      await refusedWith(handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "health", reference: long })),
      await refusedWith(handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "health", reference: "WJW-1\u0000" })),
      await refusedWith(handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "health", reference: "WJW-1", requestId: long })),
    ];
    expect(notified.map((error) => error.code)).toEqual(["INVALID_ID", "INVALID_ID", "INVALID_REQUEST_ID"]);
    expect((await types()).slice(cases.length)).toEqual(["IncidentReported", "AccessRefused", "AccessRefused", "AccessRefused"]);
    expect(JSON.stringify((await readWholeLog(store)).map((e) => [e.streamId, e.data, e.metadata]))).not.toContain(long);
  });

  it("REP-07: the admin and the regulators of the institution's jurisdiction read the incident; others are refused and recorded", async () => {
    await recordFeedEntry(
      store,
      {
        sourceEventId: "0195a3c4-1111-7000-8000-000000000001",
        occurredAt: "2026-03-01T08:00:00.000Z",
        fact: {
          type: "InstitutionRegistered",
          institution: {
            institutionId: "inst-1",
            name: "天津市第一互联网医院",
            grade: "HOSPITAL_GRADE_TERTIARY_A",
            licence: { number: "PDY-1", validFrom: "2026-01-01", validUntil: "2030-12-31" },
            subjectCodes: ["03.07"],
            jurisdiction: "tianjin",
            hostLicenceNumber: "12010011A1001",
          },
        },
      },
      { correlationId: "" },
      now,
    );
    await handlers.reportIncident(admin, leak);
    await handlers.markAuthorityNotified(admin, { incidentId: "inc-1", authority: "health", reference: "WJW-1" });
    const expected = {
      incidentId: "inc-1",
      institutionId: "inst-1",
      kind: "DATA_LEAK",
      reportedAt: "2026-03-02T08:00:00.000Z",
      tasks: [
        { authority: "cyberspace", dueAt: "2026-03-02T12:00:00.000Z", overdue: false },
        { authority: "health", dueAt: "2026-03-02T12:00:00.000Z", notifiedAt: "2026-03-02T08:00:00.000Z", reference: "WJW-1", overdue: false },
      ],
    };
    for (const reader of [admin, principal("regulator", "tianjin"), principal("regulator", "national")]) {
      expect(await handlers.getIncident(reader, "inc-1")).toMatchObject(expected);
    }
    const before = (await readWholeLog(store)).length;
    const refused: [Principal, string, string][] = [
      [principal("regulator", "guangxi"), "inc-1", "INCIDENT_OTHER_INSTITUTION"],
      [principal("institution_admin", "inst-2"), "inc-1", "INCIDENT_OTHER_INSTITUTION"],
      [principal("physician", "inst-1"), "inc-1", "ROLE_NOT_ALLOWED"],
      [admin, "nope", "INCIDENT_NOT_FOUND"],
    ];
    for (const [reader, id, code] of refused) expect((await refusedWith(handlers.getIncident(reader, id))).code).toBe(code);
    const added = (await readWholeLog(store)).slice(before);
    expect(added.map((event) => [event.type, (event.data as { reason: string }).reason])).toEqual(refused.map(([, , code]) => ["AccessRefused", code]));
  });
});
