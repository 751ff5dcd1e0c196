import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import type { FeedEntryRecordedData } from "../src/domain/feed/entries.js";
import { consultResponseMillis, countBy, dayRange, durationFigures, isOverdue, millisBetween, quantile } from "../src/domain/statistics/figures.js";
import { decideStatisticsScope, needsInstitutionJurisdiction } from "../src/domain/statistics/statisticsAccess.js";
import { statisticsItemOf } from "../src/domain/statistics/statisticsItems.js";

const header = { sourceEventId: "e-1", institutionId: "inst-1", jurisdiction: "tianjin" as const, occurredAt: "2026-03-02T09:10:00.000Z" };
const minute = 60_000;

function codeOf(result: unknown): string {
  if (!(result instanceof DomainError)) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.code;
}

describe("REP-04 supervision statistics: figures", () => {
  it("REP-04: median and 90th percentile interpolate between ranks, in minutes; none without items", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.9)).toBe(10);
    expect(quantile([], 0.5)).toBeUndefined();
    // 1..10 minutes: median 5.5, p90 at rank 8.1 → 9.1 minutes.
    const tenMinutes = Array.from({ length: 10 }, (_, i) => (i + 1) * minute);
    expect(durationFigures([...tenMinutes].reverse())).toEqual({ count: 10, medianMinutes: 5.5, p90Minutes: 9.1 });
    expect(durationFigures([])).toEqual({ count: 0, medianMinutes: undefined, p90Minutes: undefined });
    // A turnaround of 1.5 s is not rounded away.
    expect(durationFigures([1_500]).medianMinutes).toBe(0.025);
  });

  it("REP-04: durations run forward between readable times only", () => {
    expect(millisBetween("2026-03-02T09:10:00.000Z", "2026-03-02T09:40:00.000Z")).toBe(30 * minute);
    expect(millisBetween("2026-03-02T09:40:00.000Z", "2026-03-02T09:10:00.000Z")).toBeUndefined();
    expect(millisBetween("", "2026-03-02T09:10:00.000Z")).toBeUndefined();
  });

  it("REP-04: a consult's response runs from the request to the acceptance, else to the start; none without a request time", () => {
    const times = { requestedAt: "2026-03-02T08:40:00.000Z", acceptedAt: "2026-03-02T08:50:00.000Z", startedAt: "2026-03-02T09:00:00.000Z" };
    expect(consultResponseMillis(times)).toBe(10 * minute);
    expect(consultResponseMillis({ ...times, acceptedAt: "" })).toBe(20 * minute);
    expect(consultResponseMillis({ ...times, requestedAt: "" })).toBeUndefined();
  });

  it("REP-04: counts summed by key, most frequent first, ties by key; an empty code is UNSPECIFIED", () => {
    const one = (key: string) => ({ key, count: 1 });
    expect(countBy([one("B"), { key: "A", count: 2 }, one("C"), { key: "Z", count: 0 }, one(""), one("B"), one("A")])).toEqual([
      { key: "A", count: 3 },
      { key: "B", count: 2 },
      { key: "C", count: 1 },
      { key: "UNSPECIFIED", count: 1 },
    ]);
    expect(countBy([])).toEqual([]);
  });

  it("REP-04: a range is Beijing days, inclusive; a time stands for its Beijing day; malformed, reversed or over-long ranges are refused", () => {
    expect(dayRange("2026-03-01", "2026-03-31")).toEqual({ firstDay: "2026-03-01", lastDay: "2026-03-31" });
    // 17:00 UTC is 01:00 the next day in Beijing.
    expect(dayRange("2026-03-01T17:00:00Z", "2026-03-02T15:59:59Z")).toEqual({ firstDay: "2026-03-02", lastDay: "2026-03-02" });
    expect(dayRange("2026-01-01", "2027-01-01")).toEqual({ firstDay: "2026-01-01", lastDay: "2027-01-01" });
    for (const [from, to] of [["2026-03-02", "2026-03-01"], ["2026-02-30", "2026-03-01"], ["yesterday", "2026-03-01"], ["2026-03-01", ""], ["2026-01-01", "2027-01-02"]]) {
      expect(codeOf(dayRange(from ?? "", to ?? "")), `${from}..${to}`).toBe("STATISTICS_RANGE_INVALID");
    }
  });

  it("REP-05: an open anomaly case is overdue from the day after its due day", () => {
    expect(isOverdue("2026-10-10", "2026-10-10")).toBe(false);
    expect(isOverdue("2026-10-10", "2026-10-11")).toBe(true);
  });
});

describe("REP-04 supervision statistics: what a feed entry counts for", () => {
  const item = (data: unknown) => statisticsItemOf(data as FeedEntryRecordedData);

  it("REP-04: a started consult counts by type and department on its Beijing day; a completion or refusal counts nothing", () => {
    const started = { consultId: "c-1", consultType: "FOLLOW_UP", departmentCode: "03.07", patientId: "p-1", physicianId: "d-1", startedAt: "2026-03-01T16:30:00.000Z", priorRecordId: "r" };
    expect(item({ ...header, category: "CONSULT", kind: "STARTED", entry: started })).toEqual({
      key: "consult:c-1", kind: "CONSULT", code: "FOLLOW_UP", detail: "03.07", at: started.startedAt, day: "2026-03-02", institutionId: "inst-1", jurisdiction: "tianjin",
    });
    expect(item({ ...header, category: "CONSULT", kind: "COMPLETED", entry: { consultId: "c-1", completedAt: header.occurredAt } })).toBeUndefined();
    expect(item({ ...header, category: "CONSULT", kind: "REFUSED", entry: { consultId: "c-1", refusedAt: header.occurredAt } })).toBeUndefined();
  });

  it("REP-04: issued at the signing event's time; a review names its outcome without the contract prefix and answers the signing of its version", () => {
    const signed = item({ ...header, category: "PRESCRIPTION", kind: "SIGNED", entry: { prescriptionId: "rx-1", serialNumber: "S-1", issuedOn: "2026-03-02" } });
    expect(signed).toMatchObject({ key: "issued:rx-1:S-1", kind: "ISSUED", at: header.occurredAt });
    const review = { prescriptionId: "rx-1", serialNumber: "S-1", outcome: "REVIEW_OUTCOME_RETURNED", reasonCode: "DOSE_TOO_HIGH", reviewedAt: "2026-03-02T09:40:00.000Z" };
    expect(item({ ...header, category: "PRESCRIPTION_REVIEW", entry: review })).toMatchObject({
      key: "reviewed:rx-1:S-1", kind: "REVIEWED", code: "RETURNED", detail: "DOSE_TOO_HIGH", since: "issued:rx-1:S-1",
    });
    expect(item({ ...header, category: "PRESCRIPTION", kind: "VOIDED", entry: { prescriptionId: "rx-1", serialNumber: "S-1", voidedAt: header.occurredAt } })).toBeUndefined();
  });

  it("REP-04: a termination counts its reason and whether it was referred", () => {
    const entry = { consultId: "c-2", reasonCode: "EMERGENCY", terminatedAt: header.occurredAt, referredOffline: true };
    expect(item({ ...header, category: "CONSULT", kind: "TERMINATED", entry })).toMatchObject({ key: "terminated:c-2", code: "EMERGENCY", detail: "REFERRED" });
    expect(item({ ...header, category: "CONSULT", kind: "TERMINATED", entry: { ...entry, referredOffline: false } })).toMatchObject({ detail: "" });
  });

  it("REP-06: an adverse event counts once by severity, its lifted suspension not again; REP-04: a complaint's later status updates it", () => {
    const adverse = { adverseEventId: "ae-1", change: "REPORTED", kind: "DRUG", severity: "SERIOUS", scopeKind: "DRUG", scopeValue: "x", suspended: true, at: header.occurredAt };
    expect(item({ ...header, category: "ADVERSE_EVENT", entry: adverse })).toMatchObject({ key: "adverse:ae-1", code: "SERIOUS" });
    expect(item({ ...header, category: "ADVERSE_EVENT", entry: { ...adverse, change: "SUSPENSION_LIFTED" } })).toBeUndefined();
    const complaint = { complaintId: "cp-1", consultId: "c-1", categoryCode: "OTHER", status: "RECEIVED", at: header.occurredAt, late: false };
    expect(item({ ...header, category: "COMPLAINT", entry: complaint })).toMatchObject({ key: "complaint:cp-1", code: "RECEIVED", update: false });
    expect(item({ ...header, category: "COMPLAINT", entry: { ...complaint, status: "RESOLVED" } })).toMatchObject({ key: "complaint:cp-1", code: "RESOLVED", update: true });
  });

  it("REP-04: staff records, licences, ratings and entries without a readable time count for nothing", () => {
    expect(item({ ...header, category: "STAFF_RECORD", entry: { practitionerId: "d-1" } })).toBeUndefined();
    expect(item({ ...header, category: "SATISFACTION", entry: { consultId: "c-1", score: 5, ratedAt: header.occurredAt } })).toBeUndefined();
    expect(item({ ...header, category: "CONSULT", kind: "STARTED", entry: { consultId: "c-1", consultType: "FOLLOW_UP", departmentCode: "03.07", startedAt: "" } })).toBeUndefined();
  });
});

describe("REP-04 supervision statistics: who reads which scope", () => {
  const regulator = (tenantId: string) => ({ roles: ["regulator"], tenantId });
  const admin = { roles: ["institution_admin"], tenantId: "inst-1" };
  const institution = (institutionId: string) => ({ institutionId, jurisdiction: "" });
  const jurisdiction = (code: string) => ({ institutionId: "", jurisdiction: code });

  it("REP-04: a regulator reads their jurisdiction and its institutions; national reads any", () => {
    expect(decideStatisticsScope(regulator("tianjin"), jurisdiction("tianjin"), undefined)).toEqual({ kind: "jurisdiction", jurisdiction: "tianjin" });
    expect(decideStatisticsScope(regulator("tianjin"), institution("inst-1"), "tianjin")).toEqual({ kind: "institution", institutionId: "inst-1" });
    expect(decideStatisticsScope(regulator("national"), jurisdiction("guangxi"), undefined)).toEqual({ kind: "jurisdiction", jurisdiction: "guangxi" });
    expect(decideStatisticsScope(regulator("national"), institution("inst-9"), undefined)).toEqual({ kind: "institution", institutionId: "inst-9" });
    expect(codeOf(decideStatisticsScope(regulator("tianjin"), jurisdiction("guangxi"), undefined))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(codeOf(decideStatisticsScope(regulator("tianjin"), institution("inst-2"), "guangxi"))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(codeOf(decideStatisticsScope(regulator("tianjin"), institution("inst-3"), "unknown"))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(codeOf(decideStatisticsScope(regulator("inst-1"), jurisdiction("tianjin"), undefined))).toBe("REGULATOR_JURISDICTION_UNKNOWN");
  });

  it("REP-04: an institution admin reads their own institution only", () => {
    expect(decideStatisticsScope(admin, institution("inst-1"), undefined)).toEqual({ kind: "institution", institutionId: "inst-1" });
    expect(codeOf(decideStatisticsScope(admin, institution("inst-2"), undefined))).toBe("STATISTICS_INSTITUTION_NOT_ALLOWED");
    expect(codeOf(decideStatisticsScope(admin, jurisdiction("tianjin"), undefined))).toBe("STATISTICS_INSTITUTION_NOT_ALLOWED");
    expect(codeOf(decideStatisticsScope({ roles: ["physician"], tenantId: "inst-1" }, institution("inst-1"), undefined))).toBe("STATISTICS_INSTITUTION_NOT_ALLOWED");
  });

  it("REP-04: exactly one of institution and jurisdiction, and a known jurisdiction", () => {
    expect(codeOf(decideStatisticsScope(admin, { institutionId: "", jurisdiction: "" }, undefined))).toBe("STATISTICS_SCOPE_INVALID");
    expect(codeOf(decideStatisticsScope(admin, { institutionId: "inst-1", jurisdiction: "tianjin" }, undefined))).toBe("STATISTICS_SCOPE_INVALID");
    expect(codeOf(decideStatisticsScope(regulator("national"), jurisdiction("atlantis"), undefined))).toBe("INVALID_JURISDICTION");
  });

  it("REP-04: only a non-national regulator asking for an institution needs its registered jurisdiction", () => {
    expect(needsInstitutionJurisdiction(regulator("tianjin"), institution("inst-1"))).toBe(true);
    expect(needsInstitutionJurisdiction(regulator("national"), institution("inst-1"))).toBe(false);
    expect(needsInstitutionJurisdiction(regulator("tianjin"), jurisdiction("tianjin"))).toBe(false);
    expect(needsInstitutionJurisdiction(admin, institution("inst-1"))).toBe(false);
  });
});
