import { DomainError, type EventStore, handleCommand, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { beijingDay, JurisdictionError, type WorkingDayCalendar } from "@ihp/jurisdiction";
import { authorize, createAuditTrail, denialError, type Logger, type MetricsRegistry, type Principal, scrapeGauge } from "@ihp/platform";
import { type AnomalyCommand, anomalyDecider, anomalyDueDay, type AnomalyEvent, anomalyStreamId } from "../domain/anomalies/anomalyDecider.js";
import { workingDayCalendarNotLoaded } from "../domain/anomalies/anomalyErrors.js";
import { invalidId, invalidIdField, isReportingId } from "../domain/ids.js";
import { institutionJurisdiction } from "./institutionJurisdiction.js";
import { type DeadlineReader, needDeadlines } from "./openDeadlines.js";

/**
 * REP-05 anomaly cases. A finding arrives from the regulator: a regulator of the institution's jurisdiction (as the
 * feed recorded it from identity; national: any), or `system` (the regulator-platform adapter). The institution's
 * admin closes the case with a rectification note, which is sent back to the regulator: the delivery ledger turns each
 * AnomalyCaseClosed into an ANOMALY_RECTIFICATION message (application/delivery/rectifications.ts). A scheduled check
 * flags open cases past their due day.
 */
export interface AnomalyDeps {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** The working days deadlines count in (built-in years plus WORKING_DAY_CALENDAR_FILE); default the built-in ones. */
  readonly calendar?: WorkingDayCalendar | undefined;
  /** The open deadlines the overdue check reads; needed by flagOverdueCases only. */
  readonly openDeadlines?: DeadlineReader;
}

export interface OpenAnomalyInput {
  readonly caseId: string;
  readonly institutionId: string;
  readonly findingCode: string;
  readonly findingReference: string;
  /** The rectification deadline the finding states, in working days. */
  readonly workingDays: number;
}

type Overdue = Extract<AnomalyEvent, { type: "AnomalyCaseOverdue" }>["data"];

export function anomalyHandlers(deps: AnomalyDeps) {
  const { store, clock, logger } = deps;
  const newId = (): string => uuidv7(clock().getTime());
  const trail = createAuditTrail({ store, context: "reporting", clock, newId });

  async function refuse(principal: Principal, action: string, caseId: string, error: DomainError): Promise<never> {
    await trail.refused({ principal, action, reason: error.code, resource: `anomaly/${caseId}`, ruleId: "REP-05", correlationId: newId(), trace: {} });
    throw error;
  }

  async function run(principal: Principal, action: string, command: AnomalyCommand, tenantId: string) {
    const correlationId = newId();
    try {
      const metadata = { actorId: principal.subject, actorRole: principal.roles[0] ?? "", tenantId, correlationId, causationId: correlationId };
      return (await handleCommand(store, anomalyDecider, { streamId: anomalyStreamId(command.caseId), command, metadata, now: clock() }, { newEventId: newId })).events;
    } catch (error) {
      if (error instanceof DomainError && error.kind !== "ABORTED") return refuse(principal, action, command.caseId, error);
      throw error;
    }
  }

  return {
    async openCase(principal: Principal, input: OpenAnomalyInput): Promise<readonly StoredEvent[]> {
      const decision = authorize(principal, { roles: ["regulator", "system"] });
      if (!decision.allowed) return refuse(principal, "OpenAnomalyCase", input.caseId, denialError(decision) as DomainError);
      const malformed = invalidIdField({ caseId: input.caseId, institutionId: input.institutionId }, { findingCode: input.findingCode }, { findingReference: input.findingReference });
      if (malformed !== undefined) return refuse(principal, "OpenAnomalyCase", input.caseId, invalidId(malformed));
      if (principal.roles.includes("regulator") && principal.tenantId !== "national") {
        const jurisdiction = await institutionJurisdiction(store, input.institutionId);
        if (jurisdiction !== principal.tenantId) {
          const error = new DomainError("JURISDICTION_NOT_ALLOWED", "PERMISSION_DENIED", "You may only read the feed of your own jurisdiction.", "REP-05");
          return refuse(principal, "OpenAnomalyCase", input.caseId, error);
        }
      }
      const now = clock();
      const { caseId, institutionId, findingCode, findingReference } = input;
      let dueDay: string;
      try {
        dueDay = anomalyDueDay(now, input.workingDays, deps.calendar);
      } catch (error) {
        if (error instanceof JurisdictionError && error.code === "CALENDAR_NOT_COVERED") return refuse(principal, "OpenAnomalyCase", caseId, workingDayCalendarNotLoaded());
        throw error;
      }
      const command: AnomalyCommand = { type: "OpenAnomalyCase", caseId, institutionId, findingCode, findingReference, dueDay, now: now.toISOString() };
      return run(principal, "OpenAnomalyCase", command, institutionId);
    },

    async closeCase(principal: Principal, caseId: string, note: string): Promise<readonly StoredEvent[]> {
      const decision = authorize(principal, { roles: ["institution_admin"] });
      if (!decision.allowed) return refuse(principal, "CloseAnomalyCase", caseId, denialError(decision) as DomainError);
      if (!isReportingId(caseId)) return refuse(principal, "CloseAnomalyCase", caseId, invalidId("caseId"));
      const command: AnomalyCommand = { type: "CloseAnomalyCase", caseId, note, actingFor: principal.tenantId, now: clock().toISOString() };
      return run(principal, "CloseAnomalyCase", command, principal.tenantId);
    },

    /**
     * One AnomalyCaseOverdue and one ANOMALY_CASE_OVERDUE log line (ids only) per open case past its due day. The
     * cases come from the open deadlines read model (open, past due, not yet flagged); the decider still decides.
     */
    async flagOverdueCases(): Promise<readonly StoredEvent[]> {
      const now = clock();
      const today = beijingDay(now);
      const cases = await needDeadlines(deps.openDeadlines).unflaggedPastDue("ANOMALY_CASE", today);
      const flagged: StoredEvent[] = [];
      const checkId = newId();
      for (const { itemId: caseId, institutionId } of cases) {
        const metadata = { actorId: "reporting-anomalies", actorRole: "system", tenantId: institutionId, correlationId: checkId, causationId: checkId };
        const command: AnomalyCommand = { type: "FlagOverdueAnomalyCase", caseId, today, now: now.toISOString() };
        const result = await handleCommand(store, anomalyDecider, { streamId: anomalyStreamId(caseId), command, metadata, now }, { newEventId: newId });
        for (const event of result.events) {
          logger.error({ code: "ANOMALY_CASE_OVERDUE", caseId, dueDay: (event.data as unknown as Overdue).dueDay }, "anomaly case overdue");
          flagged.push(event);
        }
      }
      return flagged;
    },
  };
}

/**
 * REP-05 alert: ihp_anomaly_cases_overdue, the open anomaly cases past their due day (Beijing), counted at scrape time
 * from the open deadlines read model (caught up with the log first) — a gauge, so a restart does not forget a case the
 * scheduled check flagged before it. Returns the function that takes the series away.
 */
export function watchOverdueAnomalyCases(registry: MetricsRegistry, deadlines: DeadlineReader, clock: () => Date): () => void {
  const gauge = scrapeGauge(registry, { name: "ihp_anomaly_cases_overdue", help: "Open anomaly cases past their rectification due day (REP-05)", labelNames: [] });
  return gauge.watch(async () => [{ labels: {}, value: await deadlines.openPastDue("ANOMALY_CASE", beijingDay(clock())) }]);
}
