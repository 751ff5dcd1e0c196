import type { Decider, DomainError } from "@ihp/eventsourcing";
import { type Authority, type IncidentDeadlines, isIncidentKind, type IncidentKind, type OperatorClass } from "./incidentDeadlines.js";
import {
  incidentAlreadyReported,
  incidentKindUnknown,
  incidentNotFound,
  incidentOtherInstitution,
  notificationAlreadyDone,
  notificationReferenceRequired,
  notificationTaskUnknown,
} from "./incidentErrors.js";

// A type alias, not an interface: event data must be assignable to JsonObject.
export type NotificationTask = {
  readonly authority: Authority;
  readonly dueAt: string;
};

export type IncidentCommand =
  | {
      readonly type: "ReportIncident";
      readonly incidentId: string;
      readonly institutionId: string;
      /** Unchecked input: an unknown kind is refused. */
      readonly kind: string;
      readonly operatorClass: OperatorClass;
      /** Summary code only (e.g. "ransomware"); no personal data. */
      readonly categoryCode: string;
      readonly deadlines: IncidentDeadlines;
      /** The institution the caller acts for. */
      readonly actingFor: string;
      readonly now: string;
    }
  | {
      readonly type: "MarkAuthorityNotified";
      readonly incidentId: string;
      /** Unchecked input: an authority without a task is refused. */
      readonly authority: string;
      readonly reference: string;
      readonly actingFor: string;
      readonly now: string;
    }
  | { readonly type: "FlagOverdueNotifications"; readonly incidentId: string; readonly now: string };

export type IncidentEvent =
  | {
      readonly type: "IncidentReported";
      readonly data: {
        readonly incidentId: string;
        readonly institutionId: string;
        readonly kind: IncidentKind;
        readonly operatorClass: OperatorClass;
        readonly categoryCode: string;
        readonly reportedAt: string;
        // Mutable only because JsonValue arrays are.
        readonly tasks: NotificationTask[];
      };
    }
  | {
      readonly type: "AuthorityNotified";
      readonly data: { readonly incidentId: string; readonly authority: Authority; readonly reference: string; readonly notifiedAt: string };
    }
  | {
      readonly type: "NotificationOverdue";
      readonly data: { readonly incidentId: string; readonly authority: Authority; readonly dueAt: string; readonly flaggedAt: string };
    };

export interface IncidentState {
  readonly reported: boolean;
  readonly institutionId: string;
  readonly tasks: readonly NotificationTask[];
  readonly notified: ReadonlySet<Authority>;
  /** Alerted once per task: a repeated check adds nothing. */
  readonly flagged: ReadonlySet<Authority>;
}

export const incidentStreamId = (incidentId: string): string => `reporting-incident-${incidentId}`;

const HOUR_MS = 3_600_000;

export const incidentDecider: Decider<IncidentCommand, IncidentEvent, IncidentState> = {
  initialState: { reported: false, institutionId: "", tasks: [], notified: new Set(), flagged: new Set() },
  evolve(state, event) {
    switch (event.type) {
      case "IncidentReported":
        return { ...state, reported: true, institutionId: event.data.institutionId, tasks: event.data.tasks };
      case "AuthorityNotified":
        return { ...state, notified: new Set([...state.notified, event.data.authority]) };
      case "NotificationOverdue":
        return { ...state, flagged: new Set([...state.flagged, event.data.authority]) };
    }
  },
  decide(command, state) {
    switch (command.type) {
      case "ReportIncident":
        return report(command, state);
      case "MarkAuthorityNotified":
        return markNotified(command, state);
      case "FlagOverdueNotifications":
        return flagOverdue(command, state);
    }
  },
};

function report(
  command: Extract<IncidentCommand, { type: "ReportIncident" }>,
  state: IncidentState,
): readonly IncidentEvent[] | DomainError {
  if (!isIncidentKind(command.kind)) return incidentKindUnknown();
  if (command.actingFor !== command.institutionId) return incidentOtherInstitution();
  if (state.reported) return incidentAlreadyReported();
  const reportedAt = command.now;
  const hours = command.deadlines.hours[command.operatorClass];
  const tasks = command.deadlines.authorities[command.kind].map((authority) => ({
    authority,
    dueAt: new Date(Date.parse(reportedAt) + hours[authority] * HOUR_MS).toISOString(),
  }));
  const { incidentId, institutionId, kind, operatorClass, categoryCode } = command;
  return [{ type: "IncidentReported", data: { incidentId, institutionId, kind, operatorClass, categoryCode, reportedAt, tasks } }];
}

function markNotified(
  command: Extract<IncidentCommand, { type: "MarkAuthorityNotified" }>,
  state: IncidentState,
): readonly IncidentEvent[] | DomainError {
  if (!state.reported) return incidentNotFound();
  if (command.actingFor !== state.institutionId) return incidentOtherInstitution();
  const authority = state.tasks.find((task) => task.authority === command.authority)?.authority;
  if (authority === undefined) return notificationTaskUnknown();
  if (command.reference.trim() === "") return notificationReferenceRequired();
  if (state.notified.has(authority)) return notificationAlreadyDone();
  const { incidentId } = command;
  return [{ type: "AuthorityNotified", data: { incidentId, authority, reference: command.reference.trim(), notifiedAt: command.now } }];
}

function flagOverdue(
  command: Extract<IncidentCommand, { type: "FlagOverdueNotifications" }>,
  state: IncidentState,
): readonly IncidentEvent[] | DomainError {
  if (!state.reported) return incidentNotFound();
  const now = Date.parse(command.now);
  return state.tasks
    .filter((task) => !state.notified.has(task.authority) && !state.flagged.has(task.authority) && Date.parse(task.dueAt) < now)
    .map((task) => ({
      type: "NotificationOverdue" as const,
      data: { incidentId: command.incidentId, authority: task.authority, dueAt: task.dueAt, flaggedAt: command.now },
    }));
}
