import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import { authorize, isRefusal, type Principal, type Role } from "@ihp/platform";
import { type AdverseEventReported, adverseEventDecider, adverseEventStreamId, type ReportAdverseEvent } from "../domain/adverseEvents/adverseEventDecider.js";
import {
  activeSuspensions,
  type SuspensionEvent,
  type SuspensionQuery,
  type SuspensionRecord,
  suspensionDecider,
  suspensionStreamId,
} from "../domain/adverseEvents/suspensionDecider.js";
import { supervisionError } from "../domain/adverseEvents/supervisionErrors.js";
import { isClientChosenId } from "../domain/ids.js";
import { consultFacts } from "./complaintsConsultFacts.js";
import { supervisionRunner } from "./adverseEventsRunner.js";
import { institutionJurisdiction } from "./institutionJurisdiction.js";
import { type Caller, CLINICIAN_ROLES, type SessionCheck } from "./sessionCheck.js";

/**
 * REP-06. Staff of the institution (and the patient, of their own consult) report; a SERIOUS report suspends its
 * scope before the call returns, so every later CheckSuspensions of consult or prescription refuses. A clinician
 * reports in their current login session, as identity answers (IDN-08). The institution's admin lifts a suspension
 * with a reason. CheckSuspensions is for the enforcing services' `system` credentials.
 */
const STAFF: readonly Role[] = ["physician", "nurse", "pharmacist", "institution_admin"];
const RULE = "REP-06";

/** What the caller states; the rest of the command (reporter, consult facts, jurisdiction, time) is the service's. */
export type ReportAdverseEventInput = Pick<
  ReportAdverseEvent,
  "adverseEventId" | "institutionId" | "kind" | "severity" | "scopeKind" | "scopeValue" | "consultId" | "description"
> & { readonly requestId?: string };

export interface ReportOutcome {
  readonly reportedAt: string;
  readonly suspensionId: string | undefined;
}

export function adverseEventHandlers(deps: { readonly store: EventStore; readonly clock: () => Date; readonly sessions: SessionCheck }) {
  const { store, clock } = deps;
  const runner = supervisionRunner(store, clock);

  /** IDN-08: identity's refusal is recorded here too and passed on unchanged; identity not answering is no refusal. */
  async function requireCurrentSession(caller: Caller, action: string, resource: string): Promise<void> {
    if (!caller.principal.roles.some((role) => CLINICIAN_ROLES.includes(role))) return;
    try {
      await deps.sessions.checkSession(caller);
    } catch (error) {
      if (isRefusal(error)) await runner.refuse(caller.principal, action, resource, error.ruleId ?? RULE, error);
      throw error;
    }
  }

  async function suspensionsOf(institutionId: string): Promise<readonly SuspensionRecord[]> {
    const history = await store.readStream(suspensionStreamId(institutionId));
    return [...fold(suspensionDecider, history as unknown as SuspensionEvent[]).suspensions.values()];
  }

  return {
    async report(caller: Caller, input: ReportAdverseEventInput): Promise<ReportOutcome> {
      const { principal } = caller;
      const resource = `adverse-event/${input.adverseEventId}`;
      const isPatient = principal.roles.includes("patient");
      // Staff for their own institution; a patient for the institution of their consult (the decider checks it).
      const decision = authorize(principal, isPatient ? { roles: ["patient"] } : { roles: STAFF, tenantId: input.institutionId });
      await runner.allow(principal, "ReportAdverseEvent", resource, RULE, decision);
      if (!isClientChosenId(input.adverseEventId)) return runner.refuse(principal, "ReportAdverseEvent", resource, RULE, supervisionError("ADVERSE_EVENT_INVALID"));
      await requireCurrentSession(caller, "ReportAdverseEvent", resource);
      const { requestId, ...stated } = input;
      const command: ReportAdverseEvent = {
        type: "ReportAdverseEvent",
        ...stated,
        reporterId: principal.subject,
        reporterIsPatient: isPatient,
        consult: input.consultId === "" ? undefined : await consultFacts(store, input.consultId),
        jurisdiction: await institutionJurisdiction(store, input.institutionId),
        now: clock().toISOString(),
      };
      const target = { decider: adverseEventDecider, streamId: adverseEventStreamId(input.adverseEventId), tenantId: input.institutionId, ruleId: RULE };
      await runner.run(principal, "ReportAdverseEvent", target, command, requestId);
      // Also on a repeat: a report whose suspension did not land (a crash between the two appends) gets it now.
      const reported = (await store.readStream(target.streamId)).find((e) => e.type === "AdverseEventReported")?.data as unknown as AdverseEventReported["data"];
      if (reported.suspends) {
        const suspensions = { decider: suspensionDecider, streamId: suspensionStreamId(reported.institutionId), tenantId: reported.institutionId, ruleId: RULE };
        await runner.run(principal, "SuspendScope", suspensions, { type: "SuspendScope", report: reported });
      }
      return { reportedAt: reported.reportedAt, suspensionId: reported.suspends ? reported.adverseEventId : undefined };
    },

    /** The institution's admin ends a suspension: who, when and why are recorded, and the lift is fed. */
    async lift(principal: Principal, input: { institutionId: string; suspensionId: string; reason: string; requestId?: string }): Promise<string> {
      const decision = authorize(principal, { roles: ["institution_admin"], tenantId: input.institutionId });
      await runner.allow(principal, "LiftSuspension", `suspension/${input.suspensionId}`, RULE, decision);
      const command = {
        type: "LiftSuspension" as const,
        suspensionId: input.suspensionId,
        reason: input.reason,
        liftedBy: principal.subject,
        jurisdiction: await institutionJurisdiction(store, input.institutionId),
        now: clock().toISOString(),
      };
      const target = { decider: suspensionDecider, streamId: suspensionStreamId(input.institutionId), tenantId: input.institutionId, ruleId: RULE };
      const { events } = await runner.run(principal, "LiftSuspension", target, command, input.requestId);
      const lifted = events.find((e: StoredEvent) => e.type === "SuspensionLifted")?.data as { liftedAt?: string } | undefined;
      return lifted?.liftedAt ?? "";
    },

    /** The enforcing services' question before an act: which of these scopes are suspended now. */
    async check(principal: Principal, institutionId: string, query: SuspensionQuery): Promise<readonly SuspensionRecord[]> {
      const decision = authorize(principal, { roles: ["system"] });
      await runner.allow(principal, "CheckSuspensions", `suspensions/${institutionId}`, RULE, decision);
      const history = await store.readStream(suspensionStreamId(institutionId));
      return activeSuspensions(fold(suspensionDecider, history as unknown as SuspensionEvent[]), query);
    },

    /** Every suspension of an institution: its admin, or a regulator of its jurisdiction (national: all). */
    async list(principal: Principal, institutionId: string): Promise<readonly SuspensionRecord[]> {
      const resource = `suspensions/${institutionId}`;
      await runner.allow(principal, "ListSuspensions", resource, RULE, authorize(principal, { roles: ["institution_admin", "regulator"] }));
      const allowed = principal.roles.includes("regulator")
        ? principal.tenantId === "national" || principal.tenantId === (await institutionJurisdiction(store, institutionId))
        : principal.tenantId === institutionId;
      if (!allowed) return runner.refuse(principal, "ListSuspensions", resource, RULE, supervisionError("SUSPENSION_NOT_FOUND"));
      return suspensionsOf(institutionId);
    },
  };
}
