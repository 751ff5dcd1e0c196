import { AnomalyCaseServiceService, type CloseAnomalyCaseResponse, type OpenAnomalyCaseRequest, type OpenAnomalyCaseResponse } from "@ihp/contracts/reporting";
import type { ServiceClient } from "@ihp/platform";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, refusal, startHarness } from "./support/harness.js";

type Anomalies = ServiceClient<typeof AnomalyCaseServiceService>;

function open(client: Anomalies, token: string, request: Partial<OpenAnomalyCaseRequest>): Promise<OpenAnomalyCaseResponse> {
  return client.openAnomalyCase({ caseId: "", institutionId: "", findingCode: "", findingReference: "", workingDays: 0, ...request }, { token });
}

function close(client: Anomalies, token: string, caseId: string, rectificationNote: string): Promise<CloseAnomalyCaseResponse> {
  return client.closeAnomalyCase({ caseId, rectificationNote }, { token });
}

describe("AnomalyCaseService over gRPC (REP-05)", () => {
  let harness: Harness;
  let client: Anomalies;
  let now = new Date("2026-09-30T02:00:00.000Z");

  beforeAll(async () => {
    harness = await startHarness({ clock: () => now, env: { INCIDENT_CHECK_INTERVAL_MS: "0" } });
    client = harness.grpc(AnomalyCaseServiceService);
  });
  afterAll(() => harness.close());

  it("REP-05: the regulator adapter opens a case due in 3 CN working days; the admin closes it with a note; another case alerts when overdue", async () => {
    const adapter = await harness.token("system", "inst-1");
    expect(await open(client, adapter, { caseId: "case-1", institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", workingDays: 3 })).toEqual({
      openedAt: "2026-09-30T02:00:00.000Z",
      dueDay: "2026-10-10",
    });
    await open(client, await harness.token("regulator", "national"), { caseId: "case-2", institutionId: "inst-1", findingCode: "LATE_UPLOAD", workingDays: 1 });
    const admin = await harness.token("institution_admin", "inst-1");
    expect(await refusal(close(client, admin, "case-1", ""))).toMatchObject({ code: "RECTIFICATION_NOTE_REQUIRED", status: 3 });
    expect(await refusal(close(client, await harness.token("institution_admin", "inst-2"), "case-1", "x"))).toMatchObject({ code: "ANOMALY_CASE_OTHER_INSTITUTION", status: 7 });
    expect(await close(client, admin, "case-1", "Review step enforced.")).toEqual({ closedAt: "2026-09-30T02:00:00.000Z" });
    now = new Date("2026-10-12T02:00:00.000Z");
    expect(await harness.service.checkIncidentDeadlines()).toBe(1);
    expect(harness.logs.withCode("ANOMALY_CASE_OVERDUE").map((line) => line["caseId"])).toEqual(["case-2"]);
  });

  it("REP-05: a 6,000-character case id is INVALID_ID (status 3), not INTERNAL, and only the refusal is recorded", async () => {
    const before = (await harness.readLog()).length;
    const adapter = await harness.token("system", "inst-1");
    expect(await refusal(open(client, adapter, { caseId: "c".repeat(6_000), institutionId: "inst-1", findingCode: "LATE_UPLOAD", workingDays: 1 }))).toMatchObject({
      code: "INVALID_ID",
      status: 3,
    });
    const added = (await harness.readLog()).slice(before);
    expect(added.map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual([["AccessRefused", "INVALID_ID"]]);
  });
});

describe("REP-05 across the year's end: the working-day calendar an operator loads (WORKING_DAY_CALENDAR_FILE)", () => {
  // Shaped like the State Council's yearly notice; NOT the real 2027 schedule (unpublished when this was written).
  const year2027 = [{ id: "TEST-2027", covers: { from: "2027-01-01", to: "2027-12-31" }, holidays: ["2027-01-01", "2027-01-02", "2027-01-03"], adjustedWorkingDays: [], source: "test data" }];
  const now = new Date("2026-12-28T02:00:00.000Z");
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "ihp-calendar-"));
    await writeFile(join(folder, "calendar.json"), JSON.stringify(year2027));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("without the next year: a deadline into it is refused with WORKING_DAY_CALENDAR_NOT_LOADED (audited), and the start warns", async () => {
    const harness = await startHarness({ clock: () => now, env: { INCIDENT_CHECK_INTERVAL_MS: "0" } });
    const client = harness.grpc(AnomalyCaseServiceService);
    try {
      expect(harness.logs.withCode("WORKING_DAY_CALENDAR_ENDING")).toHaveLength(1);
      const adapter = await harness.token("system", "inst-1");
      expect(await refusal(open(client, adapter, { caseId: "case-y1", institutionId: "inst-1", findingCode: "LATE_UPLOAD", workingDays: 7 }))).toMatchObject({
        code: "WORKING_DAY_CALENDAR_NOT_LOADED",
        status: 9,
      });
    } finally {
      await harness.close();
    }
  });

  it("with the file: the deadline counts on into the loaded year", async () => {
    const harness = await startHarness({ clock: () => now, env: { INCIDENT_CHECK_INTERVAL_MS: "0", WORKING_DAY_CALENDAR_FILE: join(folder, "calendar.json") } });
    const client = harness.grpc(AnomalyCaseServiceService);
    try {
      expect(harness.logs.withCode("WORKING_DAY_CALENDAR_ENDING")).toHaveLength(0);
      const adapter = await harness.token("system", "inst-1");
      expect(await open(client, adapter, { caseId: "case-y2", institutionId: "inst-1", findingCode: "LATE_UPLOAD", workingDays: 7 })).toMatchObject({ dueDay: "2027-01-07" });
    } finally {
      await harness.close();
    }
  });
});
