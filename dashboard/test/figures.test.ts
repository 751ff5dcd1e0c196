import { describe, expect, it } from "vitest";
import type { SupervisionDashboard } from "../src/contract.js";
import { beijingDate, daysBefore, periodOf } from "../src/range.js";
import { dashboardSections, deliverySections, displayed } from "../src/sections.js";
import { defaultScope } from "../src/session.js";

const NONE = { count: 0, medianMinutes: null, p90Minutes: null };
const DASHBOARD: SupervisionDashboard = {
  from: "2026-11-30T16:00:00.000Z",
  to: "2026-12-31T15:59:59.999Z",
  asOf: "2026-12-06T08:00:00.000Z",
  consultsByType: [
    { key: "FOLLOW_UP", count: 4 },
    { key: "FAMILY_DOCTOR", count: 2 },
  ],
  consultsByDepartment: [{ key: "03.07", count: 6 }],
  prescriptionsIssued: 5,
  prescriptionsApproved: 3,
  prescriptionsReturned: 1,
  prescriptionsRejected: 1,
  prescriptionReasons: [{ key: "DOSE_EXCEEDS", count: 2 }],
  reviewTurnaround: { count: 5, medianMinutes: 12.25, p90Minutes: 40 },
  consultResponse: NONE,
  terminations: 1,
  referrals: 1,
  terminationReasons: [{ key: "NEEDS_OFFLINE_CARE", count: 1 }],
  adverseEventsBySeverity: [{ key: "SERIOUS", count: 1 }],
  complaintsByStatus: [{ key: "RECEIVED", count: 2 }],
  openAnomalyCases: [
    { caseId: "c1", institutionId: "i1", openedAt: "2026-11-01T00:00:00Z", dueOn: "2026-11-15", overdue: true },
    { caseId: "c2", institutionId: "i1", openedAt: "2026-12-01T00:00:00Z", dueOn: "2026-12-15", overdue: false },
  ],
};

function figures(sections: ReturnType<typeof dashboardSections>): Record<string, unknown> {
  return Object.fromEntries(sections.flatMap((section) => section.figures.map((figure) => [figure.name, figure.value])));
}

function token(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "ES256" })}.${part(claims)}.signature`;
}

describe("the dashboard page's figures (pure parts)", () => {
  it("REP-04: the period is whole Beijing days, each end an instant inside its Beijing day", () => {
    expect(periodOf("2026-12-01", "2026-12-31")).toEqual({ from: "2026-11-30T16:00:00.000Z", to: "2026-12-31T15:59:59.999Z" });
    expect(beijingDate(new Date("2026-12-06T15:59:59Z"))).toBe("2026-12-06");
    expect(beijingDate(new Date("2026-12-06T16:00:00Z"))).toBe("2026-12-07");
    expect(daysBefore("2026-03-01", 1)).toBe("2026-02-28");
    expect(() => periodOf("", "2026-12-31")).toThrow(RangeError);
  });

  it("REP-04, REP-05: every figure of the answer has its cell, totals and overdue counts derived from the lists", () => {
    const shown = figures(dashboardSections(DASHBOARD));
    expect(shown).toMatchObject({
      "consultsByType.total": 6,
      "consultsByType.FOLLOW_UP": 4,
      "consultsByType.FAMILY_DOCTOR": 2,
      "consultsByDepartment.03.07": 6,
      prescriptionsIssued: 5,
      prescriptionsApproved: 3,
      prescriptionsReturned: 1,
      prescriptionsRejected: 1,
      "prescriptionReasons.DOSE_EXCEEDS": 2,
      "reviewTurnaround.medianMinutes": 12.25,
      "consultResponse.medianMinutes": null,
      terminations: 1,
      referrals: 1,
      "adverseEventsBySeverity.SERIOUS": 1,
      "complaintsByStatus.RECEIVED": 2,
      "openAnomalyCases.open": 2,
      "openAnomalyCases.overdue": 1,
    });
    const cases = dashboardSections(DASHBOARD).find((section) => section.id === "anomaly-cases")?.table;
    expect(cases?.rows.map((row) => [row.id, row.overdue])).toEqual([["c1", true], ["c2", false]]);
  });

  it("REP-02: uploads pending and overdue against the 7-working-day rule, and the delivery figures", () => {
    const shown = figures(
      deliverySections({
        asOf: "2026-12-06T08:00:00.000Z",
        unacknowledged: 7,
        deadLettered: 1,
        oldestUnacknowledgedAt: "2026-12-05T01:00:00.000Z",
        ackLagMedianSeconds: 2.5,
        pendingUploads: [
          { kind: "LICENCE", subjectId: "i1", institutionId: "i1", changedAt: "2026-11-01T00:00:00Z", dueOn: "2026-11-11", overdue: true },
          { kind: "STAFF", subjectId: "p1", institutionId: "i1", changedAt: "2026-12-04T00:00:00Z", dueOn: "2026-12-15", overdue: false },
          { kind: "STAFF", subjectId: "p2", institutionId: "i1", changedAt: "2026-12-05T00:00:00Z", dueOn: "2026-12-16", overdue: false },
        ],
      }),
    );
    expect(shown).toEqual({
      "delivery.unacknowledged": 7,
      "delivery.deadLettered": 1,
      "delivery.ackLagMedianSeconds": 2.5,
      "delivery.oldestUnacknowledgedAt": "2026-12-05T01:00:00.000Z",
      "delivery.asOf": "2026-12-06T08:00:00.000Z",
      "pendingUploads.pending": 3,
      "pendingUploads.overdue": 1,
    });
  });

  it("REP-04: numbers read as integers, one decimal, or two significant digits below 1; a missing value as a dash", () => {
    expect([displayed(12), displayed(12.25), displayed(0.0107), displayed(null), displayed("2026-12-06")]).toEqual(["12", "12.3", "0.011", "—", "2026-12-06"]);
  });

  it("REP-04: the scope offered first is the token's own (a regulator's jurisdiction, anyone else's institution), nothing for a malformed token", () => {
    expect(defaultScope(token({ roles: ["regulator"], tenant: "guangxi" }))).toEqual({ jurisdiction: "guangxi" });
    expect(defaultScope(token({ roles: ["institution_admin"], tenant: "inst-1" }))).toEqual({ institutionId: "inst-1" });
    expect(defaultScope("not-a-token")).toBeUndefined();
    expect(defaultScope(token({ roles: ["regulator"] }))).toBeUndefined();
  });
});
