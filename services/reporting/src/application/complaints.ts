import { type EventStore, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { beijingDay, JurisdictionError, type WorkingDayCalendar } from "@ihp/jurisdiction";
import { authorize, type Logger, type Principal } from "@ihp/platform";
import { anomalyDueDay } from "../domain/anomalies/anomalyDecider.js";
import { workingDayCalendarNotLoaded } from "../domain/anomalies/anomalyErrors.js";
import { supervisionError } from "../domain/adverseEvents/supervisionErrors.js";
import { isClientChosenId } from "../domain/ids.js";
import { type ComplaintOverdue, type ComplaintStatusChanged, complaintDecider, complaintStreamId, type ComplaintReceived } from "../domain/complaints/complaintDecider.js";
import { type ConsultRated, ratingDecider, ratingStreamId } from "../domain/complaints/ratingDecider.js";
import { consultFacts } from "./complaintsConsultFacts.js";
import { supervisionRunner } from "./adverseEventsRunner.js";
import { institutionJurisdiction } from "./institutionJurisdiction.js";
import { type DeadlineReader, needDeadlines } from "./openDeadlines.js";

/**
 * REP-04 satisfaction and complaints. The consult's patient rates and complains once the consult finished (as the
 * feed recorded it); the institution's admin handles complaints. Deadlines in CN working days: handling starts
 * within ACKNOWLEDGE_WORKING_DAYS, the complaint is closed within RESOLVE_WORKING_DAYS (医疗机构投诉管理办法 art. 30:
 * feedback within 5 working days); a status change after its deadline is fed as late.
 */
export const COMPLAINT_DEADLINES = { acknowledgeWorkingDays: 1, resolveWorkingDays: 5 } as const;
const RULE = "REP-04";

export interface ComplaintDeps {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly calendar?: WorkingDayCalendar;
  /** Where the overdue check alerts (COMPLAINT_OVERDUE); needed by flagOverdueComplaints only. */
  readonly logger?: Logger;
  /** The open deadlines the overdue check reads; needed by flagOverdueComplaints only. */
  readonly openDeadlines?: DeadlineReader;
}

export function complaintHandlers(deps: ComplaintDeps) {
  const { store, clock } = deps;
  const runner = supervisionRunner(store, clock);

  function dueDay(principal: Principal, now: Date, days: number, resource: string): Promise<string> {
    try {
      return Promise.resolve(anomalyDueDay(now, days, deps.calendar));
    } catch (error) {
      if (error instanceof JurisdictionError && error.code === "CALENDAR_NOT_COVERED") return runner.refuse(principal, "FileComplaint", resource, RULE, workingDayCalendarNotLoaded());
      throw error;
    }
  }

  return {
    async rate(principal: Principal, input: { consultId: string; score: number; comment: string; requestId?: string }): Promise<string> {
      const resource = `rating/${input.consultId}`;
      await runner.allow(principal, "RateConsult", resource, RULE, authorize(principal, { roles: ["patient"] }));
      const consult = await consultFacts(store, input.consultId);
      if (consult === undefined) return runner.refuse(principal, "RateConsult", resource, RULE, supervisionError("CONSULT_NOT_FINISHED"));
      const command = {
        type: "RateConsult" as const,
        ...input,
        raterId: principal.subject,
        consult,
        jurisdiction: await institutionJurisdiction(store, consult.institutionId),
        now: clock().toISOString(),
      };
      const target = { decider: ratingDecider, streamId: ratingStreamId(input.consultId), tenantId: consult.institutionId, ruleId: RULE };
      const { events } = await runner.run(principal, "RateConsult", target, command, input.requestId);
      return (events.find((e) => e.type === "ConsultRated")?.data as ConsultRated["data"] | undefined)?.ratedAt ?? "";
    },

    async file(principal: Principal, input: { complaintId: string; consultId: string; categoryCode: string; text: string; requestId?: string }) {
      const resource = `complaint/${input.complaintId}`;
      await runner.allow(principal, "FileComplaint", resource, RULE, authorize(principal, { roles: ["patient"] }));
      if (!isClientChosenId(input.complaintId)) return runner.refuse(principal, "FileComplaint", resource, RULE, supervisionError("COMPLAINT_INVALID"));
      const consult = await consultFacts(store, input.consultId);
      if (consult === undefined) return runner.refuse(principal, "FileComplaint", resource, RULE, supervisionError("CONSULT_NOT_FINISHED"));
      const now = clock();
      const command = {
        type: "FileComplaint" as const,
        ...input,
        complainantId: principal.subject,
        consult,
        acknowledgeBy: await dueDay(principal, now, COMPLAINT_DEADLINES.acknowledgeWorkingDays, resource),
        resolveBy: await dueDay(principal, now, COMPLAINT_DEADLINES.resolveWorkingDays, resource),
        jurisdiction: await institutionJurisdiction(store, consult.institutionId),
        now: now.toISOString(),
      };
      const target = { decider: complaintDecider, streamId: complaintStreamId(input.complaintId), tenantId: consult.institutionId, ruleId: RULE };
      await runner.run(principal, "FileComplaint", target, command, input.requestId);
      const received = (await store.readStream(target.streamId)).find((e) => e.type === "ComplaintReceived")?.data as unknown as ComplaintReceived["data"];
      return { receivedAt: received.receivedAt, acknowledgeBy: received.acknowledgeBy, resolveBy: received.resolveBy };
    },

    async advance(principal: Principal, input: { complaintId: string; status: string; note: string; requestId?: string }) {
      const resource = `complaint/${input.complaintId}`;
      await runner.allow(principal, "AdvanceComplaint", resource, RULE, authorize(principal, { roles: ["institution_admin"] }));
      const now = clock();
      const command = {
        type: "AdvanceComplaint" as const,
        ...input,
        handlerId: principal.subject,
        actingFor: principal.tenantId,
        today: beijingDay(now),
        jurisdiction: await institutionJurisdiction(store, principal.tenantId),
        now: now.toISOString(),
      };
      // The complaint's institution is known only from its stream: the decider holds actingFor to it.
      const target = { decider: complaintDecider, streamId: complaintStreamId(input.complaintId), tenantId: principal.tenantId, ruleId: RULE };
      const { events } = await runner.run(principal, "AdvanceComplaint", target, command, input.requestId);
      const changed = events.find((e) => e.type === "ComplaintStatusChanged")?.data as ComplaintStatusChanged["data"] | undefined;
      return { status: changed?.status ?? "", at: changed?.at ?? "" };
    },

    /**
     * The scheduled check (with incidents and anomaly cases): every open complaint past a deadline gets one
     * ComplaintOverdue per stage and one `error` line with code COMPLAINT_OVERDUE and ids only. The complaints come
     * from the open deadlines read model (open, past due, not yet flagged); the decider still decides what to append.
     */
    async flagOverdueComplaints(): Promise<readonly StoredEvent[]> {
      const now = clock();
      const checkId = runner.newId();
      const due = await needDeadlines(deps.openDeadlines).unflaggedPastDue("COMPLAINT", beijingDay(now));
      const flagged: StoredEvent[] = [];
      for (const { itemId: complaintId, institutionId } of due) {
        const result = await handleCommand(
          store,
          complaintDecider,
          {
            streamId: complaintStreamId(complaintId),
            command: { type: "FlagOverdueComplaint", complaintId, today: beijingDay(now), now: now.toISOString() },
            metadata: { actorId: "reporting-complaints", actorRole: "system", tenantId: institutionId, correlationId: checkId, causationId: checkId },
            now,
          },
          { newEventId: runner.newId },
        );
        for (const overdue of result.events) {
          const data = overdue.data as unknown as ComplaintOverdue["data"];
          deps.logger?.error({ code: "COMPLAINT_OVERDUE", complaintId, stage: data.stage, dueDay: data.dueDay }, "complaint overdue");
          flagged.push(overdue);
        }
      }
      return flagged;
    },
  };
}
