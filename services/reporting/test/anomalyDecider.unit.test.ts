import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type AnomalyCommand, anomalyDecider, anomalyDueDay, type AnomalyEvent } from "../src/domain/anomalies/anomalyDecider.js";
import * as errors from "../src/domain/anomalies/anomalyErrors.js";
import { REPORTING_ERRORS } from "../src/errorCatalog.js";

const open: AnomalyCommand = {
  type: "OpenAnomalyCase",
  caseId: "case-1",
  institutionId: "inst-1",
  findingCode: "RX_WITHOUT_REVIEW",
  findingReference: "TJ-2026-0042",
  dueDay: "2026-10-09",
  now: "2026-09-30T02:00:00.000Z",
};
const opened: AnomalyEvent = {
  type: "AnomalyCaseOpened",
  data: { caseId: "case-1", institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-2026-0042", openedAt: "2026-09-30T02:00:00.000Z", dueDay: "2026-10-09" },
};
const close = (note: string, actingFor = "inst-1"): AnomalyCommand => ({ type: "CloseAnomalyCase", caseId: "case-1", note, actingFor, now: "2026-10-08T02:00:00.000Z" });
const closed: AnomalyEvent = { type: "AnomalyCaseClosed", data: { caseId: "case-1", rectificationNote: "Review step enforced.", closedAt: "2026-10-08T02:00:00.000Z" } };
const check = (today: string): AnomalyCommand => ({ type: "FlagOverdueAnomalyCase", caseId: "case-1", today, now: `${today}T01:00:00.000Z` });

describe("REP-05 anomaly cases", () => {
  it("REP-05: the deadline is counted in CN working days (National Day week skipped)", () => {
    // Received 2026-09-30 10:00 Beijing: 1–7 Oct are holidays, Sat 10 Oct an adjusted working day (8, 9, 10).
    expect(anomalyDueDay(new Date("2026-09-30T02:00:00.000Z"), 3)).toBe("2026-10-10");
    // 23:30 UTC on 30 Sep is already 1 Oct in Beijing: the count starts from the Beijing day.
    expect(anomalyDueDay(new Date("2026-09-30T23:30:00.000Z"), 1)).toBe("2026-10-08");
  });

  it("REP-05: an inbound finding opens a case with its due day; closing needs a rectification note", () => {
    given(anomalyDecider).when(open).then([opened]);
    given(anomalyDecider, [opened]).when(close("  Review step enforced. ")).then([closed]);
    given(anomalyDecider, [opened]).when(close("   ")).thenError("RECTIFICATION_NOTE_REQUIRED", "REP-05");
    given(anomalyDecider, [opened]).when(close("x".repeat(2_001))).thenError("RECTIFICATION_NOTE_REQUIRED", "REP-05");
  });

  it("REP-05: refuses another institution, an unknown case, a second close and a second open", () => {
    given(anomalyDecider, [opened]).when(close("done", "inst-2")).thenError("ANOMALY_CASE_OTHER_INSTITUTION", "REP-05");
    given(anomalyDecider).when(close("done")).thenError("ANOMALY_CASE_NOT_FOUND", "REP-05");
    given(anomalyDecider, [opened, closed]).when(close("again")).thenError("ANOMALY_CASE_CLOSED", "REP-05");
    given(anomalyDecider, [opened]).when(open).thenError("ANOMALY_CASE_EXISTS", "REP-05");
  });

  it("REP-05: an open case alerts once from the day after its due day; a closed one never", () => {
    given(anomalyDecider, [opened]).when(check("2026-10-09")).then([]);
    const overdue: AnomalyEvent = { type: "AnomalyCaseOverdue", data: { caseId: "case-1", dueDay: "2026-10-09", flaggedAt: "2026-10-10T01:00:00.000Z" } };
    given(anomalyDecider, [opened]).when(check("2026-10-10")).then([overdue]);
    given(anomalyDecider, [opened, overdue]).when(check("2026-10-12")).then([]);
    given(anomalyDecider, [opened, closed]).when(check("2026-10-12")).then([]);
  });

  it("REP-05: every anomaly refusal is in the error table with the status of its kind", () => {
    const STATUS = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, FAILED_PRECONDITION: 9 } as const;
    for (const make of Object.values(errors)) {
      const error = make();
      const entry = (REPORTING_ERRORS as Record<string, { status: number; en: string }>)[error.code];
      expect(entry, error.code).toMatchObject({ status: STATUS[error.kind as keyof typeof STATUS], en: error.message });
    }
  });
});
