import { DomainError, type EventStore, type StoredEvent, handleCommand, isRequestId, uuidv7 } from "@ihp/eventsourcing";
import { authorize, createAuditTrail, denialError, type Logger, type Principal, type Role } from "@ihp/platform";
import { type Authority, DEFAULT_INCIDENT_DEADLINES, type IncidentDeadlines, type OperatorClass } from "../domain/incidents/incidentDeadlines.js";
import { type IncidentCommand, incidentDecider, type IncidentEvent, incidentStreamId } from "../domain/incidents/incidentDecider.js";
import { incidentNotFound, incidentOtherInstitution } from "../domain/incidents/incidentErrors.js";
import { invalidId, invalidIdField, invalidRequestId } from "../domain/ids.js";
import { institutionJurisdiction } from "./institutionJurisdiction.js";
import { type DeadlineReader, needDeadlines } from "./openDeadlines.js";

/**
 * REP-07 incident handling. Incidents are reported by the institution's admin (for their own institution), or by a
 * `system` service credential (the platform's automated detection, which watches every institution it runs); tasks are marked notified by the institution's admin only, since a
 * person must vouch for having told the authority. The overdue check is a scheduled call with the clock's `now`.
 */
const REPORTERS: readonly Role[] = ["institution_admin", "system"];
const NOTIFIERS: readonly Role[] = ["institution_admin"];

export interface IncidentDeps {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly deadlines?: IncidentDeadlines;
  /** The open notification tasks the overdue check reads; needed by flagOverdueNotifications only. */
  readonly openDeadlines?: DeadlineReader;
}

export interface ReportIncidentInput {
  readonly incidentId: string;
  readonly institutionId: string;
  readonly kind: string;
  readonly operatorClass: OperatorClass;
  readonly categoryCode: string;
  readonly requestId?: string;
}

export interface MarkNotifiedInput {
  readonly incidentId: string;
  readonly authority: string;
  readonly reference: string;
  readonly requestId?: string;
}

export interface IncidentTaskView {
  readonly authority: Authority;
  readonly dueAt: string;
  readonly notifiedAt?: string;
  readonly reference?: string;
  /** The scheduled check flagged it (an alert was raised). */
  readonly overdue: boolean;
}

export interface IncidentView {
  readonly incidentId: string;
  readonly institutionId: string;
  readonly kind: string;
  readonly operatorClass: string;
  readonly categoryCode: string;
  readonly reportedAt: string;
  readonly tasks: readonly IncidentTaskView[];
}

type Reported = Extract<IncidentEvent, { type: "IncidentReported" }>["data"];
type Notified = Extract<IncidentEvent, { type: "AuthorityNotified" }>["data"];
type Overdue = Extract<IncidentEvent, { type: "NotificationOverdue" }>["data"];

function viewOf(history: readonly StoredEvent[]): IncidentView | undefined {
  const reported = history.find((event) => event.type === "IncidentReported")?.data as unknown as Reported | undefined;
  if (reported === undefined) return undefined;
  const notified = history.filter((event) => event.type === "AuthorityNotified").map((event) => event.data as unknown as Notified);
  const overdue = history.filter((event) => event.type === "NotificationOverdue").map((event) => (event.data as unknown as Overdue).authority);
  const tasks = reported.tasks.map((task) => {
    const done = notified.find((n) => n.authority === task.authority);
    return {
      authority: task.authority,
      dueAt: task.dueAt,
      ...(done === undefined ? {} : { notifiedAt: done.notifiedAt, reference: done.reference }),
      overdue: overdue.includes(task.authority),
    };
  });
  const { incidentId, institutionId, kind, operatorClass, categoryCode, reportedAt } = reported;
  return { incidentId, institutionId, kind, operatorClass, categoryCode, reportedAt, tasks };
}

export function incidentHandlers(deps: IncidentDeps) {
  const { store, clock, logger } = deps;
  const newId = (): string => uuidv7(clock().getTime());
  const trail = createAuditTrail({ store, context: "reporting", clock, newId });

  async function refuse(principal: Principal, action: string, resource: string, error: DomainError): Promise<never> {
    await trail.refused({ principal, action, reason: error.code, resource, ruleId: "REP-07", correlationId: newId(), trace: {} });
    throw error;
  }

  async function run(principal: Principal, action: string, command: IncidentCommand, requestId?: string) {
    if (requestId !== undefined && !isRequestId(requestId)) return refuse(principal, action, `incident/${command.incidentId}`, invalidRequestId());
    const now = clock();
    // A root command: it causes itself (the request id when the caller gave one).
    const correlationId = requestId ?? newId();
    try {
      return await handleCommand(
        store,
        incidentDecider,
        {
          streamId: incidentStreamId(command.incidentId),
          command,
          metadata: {
            actorId: principal.subject,
            actorRole: principal.roles[0] ?? "",
            // The institution the incident belongs to (the decider holds actingFor to it), also for the platform's
            // detection, whose own tenant is the platform.
            tenantId: "actingFor" in command ? command.actingFor : principal.tenantId,
            correlationId,
            causationId: correlationId,
          },
          ...(requestId === undefined ? {} : { requestId }),
          now,
        },
        { newEventId: newId },
      );
    } catch (error) {
      // Only the decider's refusals are audited; a store failure is not a refusal.
      if (error instanceof DomainError && error.kind !== "ABORTED") return refuse(principal, action, `incident/${command.incidentId}`, error);
      throw error;
    }
  }

  return {
    /**
     * One incident with its tasks: the institution's admin, or a regulator of the institution's jurisdiction (as the
     * feed recorded it from identity's registration; national regulators every one). Refusals are recorded.
     */
    async getIncident(principal: Principal, incidentId: string): Promise<IncidentView> {
      const resource = `incident/${incidentId}`;
      const decision = authorize(principal, { roles: ["institution_admin", "regulator"] });
      if (!decision.allowed) return refuse(principal, "GetIncident", resource, denialError(decision) as DomainError);
      const view = viewOf(await store.readStream(incidentStreamId(incidentId)));
      if (view === undefined) return refuse(principal, "GetIncident", resource, incidentNotFound());
      const allowed = principal.roles.includes("regulator")
        ? principal.tenantId === "national" || principal.tenantId === (await institutionJurisdiction(store, view.institutionId))
        : principal.tenantId === view.institutionId;
      if (!allowed) return refuse(principal, "GetIncident", resource, incidentOtherInstitution());
      return view;
    },

    async reportIncident(principal: Principal, input: ReportIncidentInput): Promise<readonly StoredEvent[]> {
      // Detection is a platform service, not a person of one institution: its credential may report for any.
      const detector = principal.kind === "service" && principal.roles.includes("system");
      const decision = authorize(principal, { roles: REPORTERS, tenantId: detector ? undefined : input.institutionId });
      const resource = `incident/${input.incidentId}`;
      if (!decision.allowed) return refuse(principal, "ReportIncident", resource, denialError(decision) as DomainError);
      const malformed = invalidIdField({ incidentId: input.incidentId, institutionId: input.institutionId }, { categoryCode: input.categoryCode });
      if (malformed !== undefined) return refuse(principal, "ReportIncident", resource, invalidId(malformed));
      const command: IncidentCommand = {
        type: "ReportIncident",
        ...input,
        deadlines: deps.deadlines ?? DEFAULT_INCIDENT_DEADLINES,
        actingFor: detector ? input.institutionId : principal.tenantId,
        now: clock().toISOString(),
      };
      return (await run(principal, "ReportIncident", command, input.requestId)).events;
    },

    async markAuthorityNotified(principal: Principal, input: MarkNotifiedInput): Promise<readonly StoredEvent[]> {
      // The tenant is the incident's, known only from its stream: the decider checks it.
      const decision = authorize(principal, { roles: NOTIFIERS });
      if (!decision.allowed) return refuse(principal, "MarkAuthorityNotified", `incident/${input.incidentId}`, denialError(decision) as DomainError);
      // A blank reference is the decider's NOTIFICATION_REFERENCE_REQUIRED; it keeps the reference trimmed.
      const malformed = invalidIdField({ incidentId: input.incidentId }, {}, { reference: input.reference.trim() });
      if (malformed !== undefined) return refuse(principal, "MarkAuthorityNotified", `incident/${input.incidentId}`, invalidId(malformed));
      const command: IncidentCommand = {
        type: "MarkAuthorityNotified",
        ...input,
        actingFor: principal.tenantId,
        now: clock().toISOString(),
      };
      return (await run(principal, "MarkAuthorityNotified", command, input.requestId)).events;
    },

    /**
     * The scheduled check: every incident with a task past its deadline and not yet notified gets one
     * NotificationOverdue per task (the decider remembers what it flagged) and one log line with a stable code and
     * ids only. Returns the events appended.
     */
    async flagOverdueNotifications(): Promise<readonly StoredEvent[]> {
      const now = clock();
      // The incidents with a task open, past its dueAt and not yet flagged, from the open deadlines read model.
      const incidents = await needDeadlines(deps.openDeadlines).unflaggedPastDue("INCIDENT", now.toISOString());
      const flagged: StoredEvent[] = [];
      const checkId = newId();
      for (const { itemId: incidentId, institutionId } of incidents) {
        const result = await handleCommand(
          store,
          incidentDecider,
          {
            streamId: incidentStreamId(incidentId),
            command: { type: "FlagOverdueNotifications", incidentId, now: now.toISOString() },
            metadata: { actorId: "reporting-incidents", actorRole: "system", tenantId: institutionId, correlationId: checkId, causationId: checkId },
            now,
          },
          { newEventId: newId },
        );
        for (const event of result.events) {
          const data = event.data as unknown as Extract<IncidentEvent, { type: "NotificationOverdue" }>["data"];
          logger.error({ code: "INCIDENT_NOTIFICATION_OVERDUE", incidentId, authority: data.authority, dueAt: data.dueAt }, "incident notification overdue");
          flagged.push(event);
        }
      }
      return flagged;
    },
  };
}
