import type { Decider, DomainError } from "@ihp/eventsourcing";
import type { FeedJurisdiction } from "../feed/entries.js";
import type { FeedEvent } from "../feed/feedDecider.js";
import type { AdverseEventKind, AdverseEventReported, ScopeKind, Severity } from "./adverseEventDecider.js";
import { MAX_TEXT_LENGTH, supervisionError } from "./supervisionErrors.js";
import { supervisionFeedEvent } from "./supervisionEntries.js";

// REP-06 "stop the service at once": one stream per institution holds its suspensions, so the check the enforcing
// services make before each act reads one small stream (ids and codes only, nothing sealed).

export type Suspension = {
  readonly suspensionId: string;
  readonly adverseEventId: string;
  readonly kind: AdverseEventKind;
  readonly severity: Severity;
  readonly scopeKind: ScopeKind;
  readonly scopeValue: string;
  readonly suspendedAt: string;
  readonly suspendedBy: string;
};

export type SuspensionCommand =
  | { readonly type: "SuspendScope"; readonly report: AdverseEventReported["data"] }
  | {
      readonly type: "LiftSuspension";
      readonly suspensionId: string;
      readonly reason: string;
      readonly liftedBy: string;
      readonly jurisdiction: FeedJurisdiction;
      readonly now: string;
    };

export type ScopeSuspended = { readonly type: "ScopeSuspended"; readonly data: Suspension & { readonly institutionId: string } };
export type SuspensionLifted = {
  readonly type: "SuspensionLifted";
  readonly data: { readonly suspensionId: string; readonly liftedBy: string; readonly reason: string; readonly liftedAt: string };
};
export type SuspensionEvent = ScopeSuspended | SuspensionLifted | FeedEvent;

export type SuspensionRecord = Suspension & { readonly lifted?: SuspensionLifted["data"] };

export interface SuspensionState {
  readonly institutionId: string;
  readonly suspensions: ReadonlyMap<string, SuspensionRecord>;
}

export const suspensionStreamId = (institutionId: string): string => `reporting-suspensions-${institutionId}`;

export const suspensionDecider: Decider<SuspensionCommand, SuspensionEvent, SuspensionState> = {
  initialState: { institutionId: "", suspensions: new Map() },
  evolve(state, event) {
    switch (event.type) {
      case "ScopeSuspended": {
        const { institutionId, ...suspension } = event.data;
        return { institutionId, suspensions: new Map(state.suspensions).set(suspension.suspensionId, suspension) };
      }
      case "SuspensionLifted": {
        const current = state.suspensions.get(event.data.suspensionId);
        if (current === undefined) return state;
        return { ...state, suspensions: new Map(state.suspensions).set(current.suspensionId, { ...current, lifted: event.data }) };
      }
      case "FeedEntryRecorded":
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case "SuspendScope":
        return suspend(command.report, state);
      case "LiftSuspension":
        return lift(command, state);
    }
  },
};

function suspend(report: AdverseEventReported["data"], state: SuspensionState): readonly SuspensionEvent[] {
  // The suspension is named after the event that caused it, so a repeated report suspends once.
  if (!report.suspends || state.suspensions.has(report.adverseEventId)) return [];
  const { adverseEventId, institutionId, kind, severity, scopeKind, scopeValue, reporterId, reportedAt } = report;
  const suspension = { suspensionId: adverseEventId, adverseEventId, kind, severity, scopeKind, scopeValue, suspendedAt: reportedAt, suspendedBy: reporterId };
  return [{ type: "ScopeSuspended", data: { ...suspension, institutionId } }];
}

function lift(command: Extract<SuspensionCommand, { type: "LiftSuspension" }>, state: SuspensionState): readonly SuspensionEvent[] | DomainError {
  const current = state.suspensions.get(command.suspensionId);
  if (current === undefined) return supervisionError("SUSPENSION_NOT_FOUND");
  const reason = command.reason.trim();
  if (reason === "" || reason.length > MAX_TEXT_LENGTH) return supervisionError("LIFT_REASON_REQUIRED");
  if (current.lifted !== undefined) return supervisionError("SUSPENSION_ALREADY_LIFTED");
  const { suspensionId, liftedBy, now } = command;
  const header = { sourceEventId: `adverse-event:${current.adverseEventId}:lifted`, institutionId: state.institutionId, jurisdiction: command.jurisdiction, occurredAt: now };
  const entry = {
    adverseEventId: current.adverseEventId,
    change: "SUSPENSION_LIFTED" as const,
    kind: current.kind,
    severity: current.severity,
    scopeKind: current.scopeKind,
    scopeValue: current.scopeValue,
    suspended: false,
    at: now,
  };
  return [
    { type: "SuspensionLifted", data: { suspensionId, liftedBy, reason, liftedAt: now } },
    supervisionFeedEvent(header, { category: "ADVERSE_EVENT", entry }),
  ];
}

/** What an enforcing service asks about before an act: any of these may be suspended. */
export type SuspensionQuery = {
  readonly clinicianId?: string | undefined;
  readonly departmentCode?: string | undefined;
  readonly drugCodes: readonly string[];
};

/** The active suspensions that cover the query (pure: the check reads the stream, folds it, and asks this). */
export function activeSuspensions(state: SuspensionState, query: SuspensionQuery): readonly Suspension[] {
  const asked = (s: Suspension): boolean =>
    (s.scopeKind === "CLINICIAN" && s.scopeValue === query.clinicianId) ||
    (s.scopeKind === "DEPARTMENT" && s.scopeValue === query.departmentCode) ||
    (s.scopeKind === "DRUG" && query.drugCodes.includes(s.scopeValue));
  return [...state.suspensions.values()].filter((s) => s.lifted === undefined && asked(s));
}
