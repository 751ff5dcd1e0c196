import { DomainError, fold } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { adverseEventDecider, type AdverseEventReported, type ReportAdverseEvent } from "../src/domain/adverseEvents/adverseEventDecider.js";
import { activeSuspensions, suspensionDecider, type SuspensionCommand, type SuspensionEvent } from "../src/domain/adverseEvents/suspensionDecider.js";

const at = "2026-03-02T08:00:00.000Z";
const report = (over: Partial<ReportAdverseEvent> = {}): ReportAdverseEvent => ({
  type: "ReportAdverseEvent",
  adverseEventId: "ae-1",
  institutionId: "inst-1",
  kind: "DRUG",
  severity: "SERIOUS",
  scopeKind: "DRUG",
  scopeValue: "metformin-hcl-tab-0.5g",
  consultId: "consult-1",
  description: " 严重皮疹 ",
  reporterId: "physician-1",
  reporterIsPatient: false,
  consult: { patientId: "patient-1", institutionId: "inst-1" },
  jurisdiction: "tianjin",
  now: at,
  ...over,
});
/** The events a decision returned; a refusal fails the test. */
function accepted<E>(outcome: readonly E[] | DomainError): readonly E[] {
  if (outcome instanceof DomainError) throw outcome;
  return outcome;
}

const reportedData: AdverseEventReported["data"] = {
  adverseEventId: "ae-1",
  institutionId: "inst-1",
  kind: "DRUG",
  severity: "SERIOUS",
  scopeKind: "DRUG",
  scopeValue: "metformin-hcl-tab-0.5g",
  consultId: "consult-1",
  patientId: "patient-1",
  description: "严重皮疹",
  reporterId: "physician-1",
  reportedAt: at,
  suspends: true,
};

describe("REP-06 adverse event reports", () => {
  it("REP-06: a report is recorded with its feed entry of the adverse-event category: codes and ids, never the description", () => {
    given(adverseEventDecider)
      .when(report())
      .then([
        { type: "AdverseEventReported", data: reportedData },
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "adverse-event:ae-1",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: at,
            category: "ADVERSE_EVENT",
            entry: { adverseEventId: "ae-1", change: "REPORTED", kind: "DRUG", severity: "SERIOUS", scopeKind: "DRUG", scopeValue: "metformin-hcl-tab-0.5g", suspended: true, at },
          },
        },
      ]);
  });

  it("REP-06: only SERIOUS suspends; MILD and MODERATE are reported without suspension", () => {
    for (const severity of ["MILD", "MODERATE"]) {
      const [first] = accepted(adverseEventDecider.decide(report({ severity }), adverseEventDecider.initialState));
      expect(first?.type === "AdverseEventReported" && first.data.suspends).toBe(false);
    }
  });

  it("REP-06: refuses unknown kinds, severities and scopes, a scope that does not fit the kind, a bad scope value and a missing description", () => {
    for (const over of [
      { kind: "FOOD" },
      { severity: "FATAL" },
      { scopeKind: "WARD" },
      { scopeKind: "CLINICIAN" },
      { kind: "MEDICAL_SERVICE", scopeKind: "DRUG" },
      { scopeValue: "drug code with spaces" },
      { description: "   " },
      { description: "x".repeat(2_001) },
    ]) {
      given(adverseEventDecider).when(report(over)).thenError("ADVERSE_EVENT_INVALID", "REP-06");
    }
    given(adverseEventDecider, [{ type: "AdverseEventReported", data: reportedData }]).when(report()).thenError("ADVERSE_EVENT_ALREADY_REPORTED", "REP-06");
  });

  it("REP-06: a patient reports only of a consult of theirs at the institution; a named consult must be the institution's", () => {
    given(adverseEventDecider).when(report({ reporterIsPatient: true, reporterId: "patient-2" })).thenError("ADVERSE_EVENT_CONSULT_REQUIRED", "REP-06");
    given(adverseEventDecider).when(report({ reporterIsPatient: true, reporterId: "patient-1", consultId: "", consult: undefined })).thenError("ADVERSE_EVENT_CONSULT_REQUIRED");
    given(adverseEventDecider).when(report({ consult: { patientId: "patient-1", institutionId: "inst-2" } })).thenError("ADVERSE_EVENT_CONSULT_REQUIRED");
    const own = accepted(adverseEventDecider.decide(report({ reporterIsPatient: true, reporterId: "patient-1" }), adverseEventDecider.initialState));
    expect(own.map((e) => e.type)).toEqual(["AdverseEventReported", "FeedEntryRecorded"]);
  });
});

describe("REP-06 suspensions", () => {
  const suspended: SuspensionEvent = {
    type: "ScopeSuspended",
    data: {
      suspensionId: "ae-1",
      adverseEventId: "ae-1",
      kind: "DRUG",
      severity: "SERIOUS",
      scopeKind: "DRUG",
      scopeValue: "metformin-hcl-tab-0.5g",
      suspendedAt: at,
      suspendedBy: "physician-1",
      institutionId: "inst-1",
    },
  };
  const lift = (over: Partial<Extract<SuspensionCommand, { type: "LiftSuspension" }>> = {}): SuspensionCommand => ({
    type: "LiftSuspension",
    suspensionId: "ae-1",
    reason: " 批次排查完毕 ",
    liftedBy: "admin-1",
    jurisdiction: "tianjin",
    now: "2026-03-03T08:00:00.000Z",
    ...over,
  });

  it("REP-06: a SERIOUS report suspends its scope once; a repeat and a non-serious report suspend nothing", () => {
    given(suspensionDecider).when({ type: "SuspendScope", report: reportedData }).then([suspended]);
    given(suspensionDecider, [suspended]).when({ type: "SuspendScope", report: reportedData }).then([]);
    given(suspensionDecider).when({ type: "SuspendScope", report: { ...reportedData, severity: "MODERATE", suspends: false } }).then([]);
  });

  it("REP-06: the check names what is suspended among the asked scopes, and nothing once lifted", () => {
    const state = fold(suspensionDecider, [suspended]);
    expect(activeSuspensions(state, { clinicianId: "", departmentCode: "", drugCodes: ["aspirin", "metformin-hcl-tab-0.5g"] }).map((s) => s.scopeValue)).toEqual(["metformin-hcl-tab-0.5g"]);
    expect(activeSuspensions(state, { clinicianId: "metformin-hcl-tab-0.5g", departmentCode: "metformin-hcl-tab-0.5g", drugCodes: [] })).toEqual([]);
    const lifted = accepted(suspensionDecider.decide(lift(), state));
    expect(activeSuspensions(fold(suspensionDecider, [suspended, ...lifted]), { clinicianId: "", departmentCode: "", drugCodes: ["metformin-hcl-tab-0.5g"] })).toEqual([]);
  });

  it("REP-06: lifting is a recorded decision (who, when, why) and is fed; it needs a reason and an active suspension", () => {
    given(suspensionDecider, [suspended])
      .when(lift())
      .then([
        { type: "SuspensionLifted", data: { suspensionId: "ae-1", liftedBy: "admin-1", reason: "批次排查完毕", liftedAt: "2026-03-03T08:00:00.000Z" } },
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "adverse-event:ae-1:lifted",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: "2026-03-03T08:00:00.000Z",
            category: "ADVERSE_EVENT",
            entry: { adverseEventId: "ae-1", change: "SUSPENSION_LIFTED", kind: "DRUG", severity: "SERIOUS", scopeKind: "DRUG", scopeValue: "metformin-hcl-tab-0.5g", suspended: false, at: "2026-03-03T08:00:00.000Z" },
          },
        },
      ]);
    given(suspensionDecider, [suspended]).when(lift({ reason: " " })).thenError("LIFT_REASON_REQUIRED", "REP-06");
    given(suspensionDecider).when(lift()).thenError("SUSPENSION_NOT_FOUND", "REP-06");
    const liftedOnce = accepted(suspensionDecider.decide(lift(), fold(suspensionDecider, [suspended])));
    given(suspensionDecider, [suspended, ...liftedOnce]).when(lift()).thenError("SUSPENSION_ALREADY_LIFTED", "REP-06");
  });
});
