import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type IncidentCommand, incidentDecider, type IncidentEvent } from "../src/domain/incidents/incidentDecider.js";
import { DEFAULT_INCIDENT_DEADLINES } from "../src/domain/incidents/incidentDeadlines.js";

const at = "2026-03-02T08:00:00.000Z";
const report = (over: Partial<Extract<IncidentCommand, { type: "ReportIncident" }>> = {}): IncidentCommand => ({
  type: "ReportIncident",
  incidentId: "inc-1",
  institutionId: "inst-1",
  kind: "DATA_LEAK",
  operatorClass: "other",
  categoryCode: "exfiltration",
  deadlines: DEFAULT_INCIDENT_DEADLINES,
  actingFor: "inst-1",
  now: at,
  ...over,
});
const reported = (operatorClass: "other" | "critical_infrastructure" = "other", hours = 4): IncidentEvent => ({
  type: "IncidentReported",
  data: {
    incidentId: "inc-1",
    institutionId: "inst-1",
    kind: "DATA_LEAK",
    operatorClass,
    categoryCode: "exfiltration",
    reportedAt: at,
    tasks: [
      { authority: "cyberspace", dueAt: new Date(Date.parse(at) + hours * 3_600_000).toISOString() },
      { authority: "health", dueAt: new Date(Date.parse(at) + hours * 3_600_000).toISOString() },
    ],
  },
});
const notified: IncidentEvent = {
  type: "AuthorityNotified",
  data: { incidentId: "inc-1", authority: "cyberspace", reference: "CAC-2026-17", notifiedAt: "2026-03-02T09:00:00.000Z" },
};
const mark = (over: Partial<Extract<IncidentCommand, { type: "MarkAuthorityNotified" }>> = {}): IncidentCommand => ({
  type: "MarkAuthorityNotified",
  incidentId: "inc-1",
  authority: "cyberspace",
  reference: "CAC-2026-17",
  actingFor: "inst-1",
  now: "2026-03-02T09:00:00.000Z",
  ...over,
});
const check = (now: string): IncidentCommand => ({ type: "FlagOverdueNotifications", incidentId: "inc-1", now });

describe("REP-07 incidents", () => {
  it("REP-07: a DATA_LEAK creates timestamped tasks to the cyberspace and health authorities, 4 h for ordinary operators", () => {
    given(incidentDecider).when(report()).then([reported()]);
  });

  it("REP-07: a critical-infrastructure operator's MAJOR_CYBER tasks are due in 1 h", () => {
    const expected = reported("critical_infrastructure", 1);
    given(incidentDecider)
      .when(report({ kind: "MAJOR_CYBER", operatorClass: "critical_infrastructure" }))
      .then([{ ...expected, data: { ...expected.data, kind: "MAJOR_CYBER" } } as IncidentEvent]);
  });

  it("REP-07: refuses an unknown kind, another institution's incident and a second report", () => {
    given(incidentDecider).when(report({ kind: "PHISHING" })).thenError("INCIDENT_KIND_UNKNOWN", "REP-07");
    given(incidentDecider).when(report({ actingFor: "inst-2" })).thenError("INCIDENT_OTHER_INSTITUTION", "REP-07");
    given(incidentDecider, [reported()]).when(report()).thenError("INCIDENT_ALREADY_REPORTED", "REP-07");
  });

  it("REP-07: marking an authority notified needs its reference, the incident's institution and an open task", () => {
    given(incidentDecider, [reported()]).when(mark()).then([notified]);
    given(incidentDecider, [reported()]).when(mark({ reference: "  " })).thenError("NOTIFICATION_REFERENCE_REQUIRED", "REP-07");
    given(incidentDecider, [reported()]).when(mark({ actingFor: "inst-2" })).thenError("INCIDENT_OTHER_INSTITUTION", "REP-07");
    given(incidentDecider, [reported(), notified]).when(mark()).thenError("NOTIFICATION_ALREADY_DONE", "REP-07");
    given(incidentDecider).when(mark()).thenError("INCIDENT_NOT_FOUND", "REP-07");
  });

  it("REP-07: open tasks past their deadline alert once each; notified or not yet due tasks do not", () => {
    given(incidentDecider, [reported()]).when(check("2026-03-02T11:59:00.000Z")).then([]);
    const late = "2026-03-02T12:00:01.000Z";
    given(incidentDecider, [reported(), notified])
      .when(check(late))
      .then([{ type: "NotificationOverdue", data: { incidentId: "inc-1", authority: "health", dueAt: "2026-03-02T12:00:00.000Z", flaggedAt: late } }]);
    const flagged: IncidentEvent = { type: "NotificationOverdue", data: { incidentId: "inc-1", authority: "health", dueAt: "2026-03-02T12:00:00.000Z", flaggedAt: late } };
    given(incidentDecider, [reported(), notified, flagged]).when(check("2026-03-03T00:00:00.000Z")).then([]);
    expect(incidentDecider.initialState.reported).toBe(false);
  });
});

describe("REP-07 incident codes", () => {
  it("REP-07: every incident refusal is in the error table with the status of its kind", async () => {
    const { REPORTING_ERRORS } = await import("../src/errorCatalog.js");
    const errors = await import("../src/domain/incidents/incidentErrors.js");
    const STATUS = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, FAILED_PRECONDITION: 9 } as const;
    for (const make of Object.values(errors)) {
      const error = make();
      const entry = (REPORTING_ERRORS as Record<string, { status: number; en: string }>)[error.code];
      expect(entry, error.code).toMatchObject({ status: STATUS[error.kind as keyof typeof STATUS], en: error.message });
      expect(error.ruleId).toBe("REP-07");
    }
  });
});
