import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger, type Principal } from "@ihp/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { complaintHandlers } from "../src/application/complaints.js";
import { LogCapture } from "./support/logCapture.js";
import { appendOtherEvents } from "./support/longLog.js";
import { countingReads, openDeadlinesOver } from "./support/openDeadlines.js";

const patient: Principal = { subject: "patient-1", roles: ["patient"], tenantId: "patients", kind: "human" };
const admin: Principal = { subject: "admin-1", roles: ["institution_admin"], tenantId: "inst-1", kind: "human" };

describe("REP-04 complaints over the store", () => {
  let store: SqliteEventStore;
  let now: Date;
  let logs: LogCapture;
  let handlers: ReturnType<typeof complaintHandlers>;
  let readModel: ReturnType<typeof openDeadlinesOver>;

  /** The consult as the feed records it from consult's events: started, then completed. */
  async function feedConsult(): Promise<void> {
    const metadata = { actorId: "reporting-feed", actorRole: "system", tenantId: "inst-1", correlationId: "c", causationId: "c", occurredAt: now.toISOString() };
    const header = { institutionId: "inst-1", jurisdiction: "tianjin", occurredAt: now.toISOString(), category: "CONSULT" };
    const started = { consultId: "consult-1", consultType: "FOLLOW_UP", departmentCode: "03.07", patientId: "patient-1", physicianId: "physician-1", startedAt: now.toISOString(), priorRecordId: "" };
    const completed = { consultId: "consult-1", physicianId: "physician-1", completedAt: now.toISOString(), diagnosisCodes: [], summaryHash: "" };
    await store.append(
      "reporting-consult-consult-1",
      [
        { id: uuidv7(now.getTime()), type: "FeedEntryRecorded", schemaVersion: 1, data: { ...header, sourceEventId: "s1", kind: "STARTED", entry: started }, metadata },
        { id: uuidv7(now.getTime() + 1), type: "FeedEntryRecorded", schemaVersion: 1, data: { ...header, sourceEventId: "s2", kind: "COMPLETED", entry: completed }, metadata },
      ],
      "no_stream",
    );
  }

  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ":memory:" });
    // Monday 2 March 2026, 10:00 Beijing.
    now = new Date("2026-03-02T02:00:00.000Z");
    logs = new LogCapture();
    readModel = openDeadlinesOver(store);
    handlers = complaintHandlers({ store, clock: () => now, logger: createLogger({ name: "reporting", level: "debug", destination: logs }), openDeadlines: readModel.deadlines });
    await feedConsult();
  });
  afterEach(async () => {
    await readModel.close();
    await store.close();
  });

  it("REP-04: deadlines in CN working days; an open complaint past them alerts once per stage with ids only; a closed one never", async () => {
    const receipt = await handlers.file(patient, { complaintId: "complaint-0001", consultId: "consult-1", categoryCode: "WAITING_TIME", text: "排队两小时-secret" });
    expect(receipt).toMatchObject({ acknowledgeBy: "2026-03-03", resolveBy: "2026-03-09" });
    expect(await handlers.flagOverdueComplaints()).toEqual([]);

    now = new Date("2026-03-04T02:00:00.000Z");
    expect((await handlers.flagOverdueComplaints()).map((e) => (e.data as { stage: string }).stage)).toEqual(["ACKNOWLEDGE"]);
    expect(await handlers.flagOverdueComplaints()).toEqual([]);
    await handlers.advance(admin, { complaintId: "complaint-0001", status: "INVESTIGATING", note: "" });

    now = new Date("2026-03-10T02:00:00.000Z");
    expect((await handlers.flagOverdueComplaints()).map((e) => (e.data as { stage: string }).stage)).toEqual(["RESOLVE"]);
    await handlers.advance(admin, { complaintId: "complaint-0001", status: "RESOLVED", note: "已致歉并调整排班" });
    now = new Date("2026-03-20T02:00:00.000Z");
    expect(await handlers.flagOverdueComplaints()).toEqual([]);

    const alerts = logs.withCode("COMPLAINT_OVERDUE");
    expect(alerts.map((a) => a["stage"])).toEqual(["ACKNOWLEDGE", "RESOLVE"]);
    expect(logs.raw.join("\n")).not.toContain("secret");
  });

  it("REP-04: a complaint filed after more than 1,000 other events in the log is still flagged overdue", async () => {
    await appendOtherEvents(store, now);
    await handlers.file(patient, { complaintId: "complaint-0003", consultId: "consult-1", categoryCode: "WAITING_TIME", text: "x" });
    now = new Date("2026-03-04T02:00:00.000Z");
    const flagged = await handlers.flagOverdueComplaints();
    expect(flagged.map((e) => [e.streamId, (e.data as { stage: string }).stage])).toEqual([["reporting-complaint-complaint-0003", "ACKNOWLEDGE"]]);
  });

  it("REP-04: the check runs its command only for open complaints past a deadline not yet flagged, and never scans the log", async () => {
    await handlers.file(patient, { complaintId: "complaint-0004", consultId: "consult-1", categoryCode: "OTHER", text: "x" });
    await handlers.file(patient, { complaintId: "complaint-0005", consultId: "consult-1", categoryCode: "OTHER", text: "x" });
    await handlers.advance(admin, { complaintId: "complaint-0004", status: "INVESTIGATING", note: "" });
    await handlers.advance(admin, { complaintId: "complaint-0004", status: "REJECTED", note: "与问诊无关" });
    const reads = countingReads(store);
    const check = complaintHandlers({ store: reads.store, clock: () => now, logger: createLogger({ name: "reporting", level: "silent" }), openDeadlines: readModel.deadlines });

    now = new Date("2026-03-04T02:00:00.000Z"); // past acknowledgeBy only
    expect((await check.flagOverdueComplaints()).map((e) => [e.streamId, (e.data as { stage: string }).stage])).toEqual([["reporting-complaint-complaint-0005", "ACKNOWLEDGE"]]);
    expect(await check.flagOverdueComplaints()).toEqual([]);
    now = new Date("2026-03-10T02:00:00.000Z"); // past resolveBy
    expect((await check.flagOverdueComplaints()).map((e) => (e.data as { stage: string }).stage)).toEqual(["RESOLVE"]);
    expect(await check.flagOverdueComplaints()).toEqual([]);
    // One command per flagging run: the closed complaint and the repeated checks read no stream; no check reads the log.
    expect(reads.streamsRead).toEqual(["reporting-complaint-complaint-0005", "reporting-complaint-complaint-0005"]);
    expect(reads.readAllCalls()).toBe(0);
  });

  it("REP-04: another institution's admin cannot move the complaint; a rating needs the consult's own patient", async () => {
    await handlers.file(patient, { complaintId: "complaint-0002", consultId: "consult-1", categoryCode: "OTHER", text: "x" });
    const other: Principal = { ...admin, tenantId: "inst-2" };
    await expect(handlers.advance(other, { complaintId: "complaint-0002", status: "INVESTIGATING", note: "" })).rejects.toMatchObject({ code: "COMPLAINT_NOT_FOUND" });
    await expect(handlers.rate({ ...patient, subject: "patient-2" }, { consultId: "consult-1", score: 5, comment: "" })).rejects.toMatchObject({ code: "CONSULT_NOT_FINISHED" });
    expect(await handlers.rate(patient, { consultId: "consult-1", score: 4, comment: "" })).toBe("2026-03-02T02:00:00.000Z");
  });
});
