import { DomainError } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger, type Principal, type Role } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anomalyHandlers } from "../src/application/anomalies.js";
import { recordFeedEntry } from "../src/application/recordFeedEntry.js";
import { LogCapture } from "./support/logCapture.js";
import { appendOtherEvents } from "./support/longLog.js";
import { countingReads, openDeadlinesOver } from "./support/openDeadlines.js";

function principal(role: Role, tenantId: string): Principal {
  return { subject: `${role}-1`, roles: [role], tenantId, kind: role === "system" ? "service" : "human" };
}
const admin = principal("institution_admin", "inst-1");
const finding = { caseId: "case-1", institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-2026-0042", workingDays: 3 };

async function refusedWith(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error.code;
}

describe("REP-05 anomaly cases over the store", () => {
  let store: SqliteEventStore;
  let now: Date;
  let logs: LogCapture;
  let handlers: ReturnType<typeof anomalyHandlers>;
  let readModel: ReturnType<typeof openDeadlinesOver>;

  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ":memory:" });
    now = new Date("2026-09-30T02:00:00.000Z");
    logs = new LogCapture();
    readModel = openDeadlinesOver(store);
    handlers = anomalyHandlers({ store, clock: () => now, logger: createLogger({ name: "reporting", level: "debug", destination: logs }), openDeadlines: readModel.deadlines });
    const institution = { institutionId: "inst-1", name: "天津市第一互联网医院", grade: "HOSPITAL_GRADE_TERTIARY_A", licence: { number: "PDY-1", validFrom: "2026-01-01", validUntil: "2030-12-31" }, subjectCodes: ["03.07"], jurisdiction: "tianjin", hostLicenceNumber: "12010011A1001" };
    await recordFeedEntry(store, { sourceEventId: "0195a3c4-1111-7000-8000-000000000001", occurredAt: "2026-03-01T08:00:00.000Z", fact: { type: "InstitutionRegistered", institution } }, { correlationId: "" }, now);
  });
  afterEach(async () => {
    await readModel.close();
    await store.close();
  });

  it("REP-05: a Tianjin finding opens a case due in 3 CN working days; an open case past it alerts once; a closed one not", async () => {
    const [opened] = await handlers.openCase(principal("regulator", "tianjin"), finding);
    expect(opened?.data).toMatchObject({ dueDay: "2026-10-10", openedAt: "2026-09-30T02:00:00.000Z" });
    await handlers.openCase(principal("system", "inst-1"), { ...finding, caseId: "case-2" });
    await handlers.closeCase(admin, "case-2", "Review step enforced for all prescriptions.");

    now = new Date("2026-10-10T10:00:00.000Z");
    expect(await handlers.flagOverdueCases()).toEqual([]);
    now = new Date("2026-10-10T16:30:00.000Z"); // 11 Oct in Beijing
    expect((await handlers.flagOverdueCases()).map((event) => event.streamId)).toEqual(["reporting-anomaly-case-1"]);
    expect(await handlers.flagOverdueCases()).toEqual([]);
    expect(logs.withCode("ANOMALY_CASE_OVERDUE").map((line) => line["caseId"])).toEqual(["case-1"]);
  });

  it("REP-05: a case opened after more than 1,000 other events in the log is still flagged overdue", async () => {
    await appendOtherEvents(store, now);
    await handlers.openCase(principal("regulator", "tianjin"), finding);
    now = new Date("2026-10-10T16:30:00.000Z"); // 11 Oct in Beijing, the day after the due day
    expect((await handlers.flagOverdueCases()).map((event) => event.streamId)).toEqual(["reporting-anomaly-case-1"]);
  });

  it("REP-05: the check runs its command only for open cases past their due day not yet flagged, and never scans the log", async () => {
    const regulator = principal("regulator", "tianjin");
    await handlers.openCase(regulator, finding);
    await handlers.openCase(regulator, { ...finding, caseId: "case-2" });
    await handlers.closeCase(admin, "case-2", "已整改。");
    const reads = countingReads(store);
    const logger = createLogger({ name: "reporting", level: "silent" });
    const check = anomalyHandlers({ store: reads.store, clock: () => now, logger, openDeadlines: readModel.deadlines });

    expect(await check.flagOverdueCases()).toEqual([]);
    now = new Date("2026-10-10T16:30:00.000Z");
    expect((await check.flagOverdueCases()).map((event) => event.streamId)).toEqual(["reporting-anomaly-case-1"]);
    expect(await check.flagOverdueCases()).toEqual([]);
    expect(reads.streamsRead).toEqual(["reporting-anomaly-case-1"]);
    expect(reads.readAllCalls()).toBe(0);
  });

  it("REP-05: each refusal appends nothing but its audit record", async () => {
    const before = (await readWholeLog(store)).length;
    const codes = [
      await refusedWith(handlers.openCase(principal("regulator", "guangxi"), finding)),
      await refusedWith(handlers.openCase(admin, finding)),
    ];
    await handlers.openCase(principal("regulator", "national"), finding);
    codes.push(
      await refusedWith(handlers.closeCase(admin, "case-1", "  ")),
      await refusedWith(handlers.closeCase(principal("institution_admin", "inst-2"), "case-1", "fixed")),
      await refusedWith(handlers.closeCase(principal("regulator", "tianjin"), "case-1", "fixed")),
      await refusedWith(handlers.closeCase(admin, "case-9", "fixed")),
    );
    expect(codes).toEqual(["JURISDICTION_NOT_ALLOWED", "ROLE_NOT_ALLOWED", "RECTIFICATION_NOTE_REQUIRED", "ANOMALY_CASE_OTHER_INSTITUTION", "ROLE_NOT_ALLOWED", "ANOMALY_CASE_NOT_FOUND"]);
    const added = (await readWholeLog(store)).slice(before).map((event) => event.type);
    expect(added).toEqual(["AccessRefused", "AccessRefused", "AnomalyCaseOpened", "AccessRefused", "AccessRefused", "AccessRefused", "AccessRefused"]);
  });

  it("REP-05: a malformed or oversized case id, institution id, finding code or reference is INVALID_ID; nothing but the audit record is written", async () => {
    const before = (await readWholeLog(store)).length;
    const long = "x".repeat(6_000);
    const national = principal("regulator", "national");
    const codes = [
      await refusedWith(handlers.openCase(national, { ...finding, caseId: long })),
      await refusedWith(handlers.openCase(principal("system", "inst-1"), { ...finding, caseId: "case/1" })),
      await refusedWith(handlers.openCase(national, { ...finding, institutionId: long })),
      await refusedWith(handlers.openCase(national, { ...finding, findingCode: long })),
      await refusedWith(handlers.openCase(national, { ...finding, findingCode: "RX WITHOUT REVIEW" })),
      await refusedWith(handlers.openCase(national, { ...finding, findingReference: long })),
      await refusedWith(handlers.closeCase(admin, long, "fixed")),
    ];
    expect(codes).toEqual(Array<string>(codes.length).fill("INVALID_ID"));
    const added = await readWholeLog(store);
    expect(added.slice(before).map((event) => event.type)).toEqual(Array<string>(codes.length).fill("AccessRefused"));
    expect(JSON.stringify(added.map((e) => [e.streamId, e.data, e.metadata]))).not.toContain(long);
  });
});
