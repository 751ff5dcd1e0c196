import { enumName, enumValue } from "@ihp/contracts";
import {
  AdverseEventKind,
  AdverseEventServiceService,
  AdverseEventSeverity,
  ComplaintCategory,
  ComplaintStatus,
  FeedbackServiceService,
  type Suspension,
  SuspensionScopeKind,
} from "@ihp/contracts/reporting";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

const suspensionView = (s: Suspension): Gql.Suspension => ({
  ...s,
  // The SDL enum is the contract; a scope kind the service added without the gateway is a deployment mismatch.
  scopeKind: present(enumName("SUSPENSION_SCOPE_KIND_", s.scopeKind) ?? undefined, "the suspension's scope kind"),
  liftedAt: s.liftedAt ?? null,
  liftedBy: s.liftedBy ?? null,
  liftReason: s.liftReason ?? null,
});

/** REP-06 and REP-04 satisfaction/complaints: every decision and refusal is the reporting service's. */
function supervisionResolvers(deps: ContextDeps) {
  async function clients(context: HttpContext) {
    return {
      scope: callScope(deps, context, await context.caller.actor()),
      adverse: deps.downstream.service("reporting", AdverseEventServiceService),
      feedback: deps.downstream.service("reporting", FeedbackServiceService),
    };
  }

  const Query = {
    async suspensions(_root, { institutionId }, context) {
      const { scope, adverse } = await clients(context);
      return (await adverse.listSuspensions({ institutionId }, scope)).suspensions.map(suspensionView);
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async reportAdverseEvent(_root, { input }, context) {
      const { scope, adverse } = await clients(context);
      const request = {
        ...input,
        kind: enumValue(AdverseEventKind, "ADVERSE_EVENT_KIND_", input.kind),
        severity: enumValue(AdverseEventSeverity, "ADVERSE_EVENT_SEVERITY_", input.severity),
        scopeKind: enumValue(SuspensionScopeKind, "SUSPENSION_SCOPE_KIND_", input.scopeKind),
        consultId: input.consultId ?? undefined,
        requestId: input.requestId ?? undefined,
      };
      const { reportedAt, suspended, suspensionId } = await adverse.reportAdverseEvent(request, scope);
      return { adverseEventId: input.adverseEventId, reportedAt, suspended, suspensionId: suspensionId ?? null };
    },
    async liftSuspension(_root, { input }, context) {
      const { scope, adverse } = await clients(context);
      const response = await adverse.liftSuspension({ ...input, requestId: input.requestId ?? undefined }, scope);
      return { suspensionId: input.suspensionId, liftedAt: response.liftedAt };
    },
    async rateConsult(_root, { input }, context) {
      const { scope, feedback } = await clients(context);
      const request = { ...input, score: Math.max(0, input.score), comment: input.comment ?? undefined, requestId: input.requestId ?? undefined };
      return { consultId: input.consultId, ratedAt: (await feedback.rateConsult(request, scope)).ratedAt };
    },
    async fileComplaint(_root, { input }, context) {
      const { scope, feedback } = await clients(context);
      const category = enumValue(ComplaintCategory, "COMPLAINT_CATEGORY_", input.category);
      const request = { ...input, category, requestId: input.requestId ?? undefined };
      return { complaintId: input.complaintId, ...(await feedback.fileComplaint(request, scope)) };
    },
    async advanceComplaint(_root, { input }, context) {
      const { scope, feedback } = await clients(context);
      const status = enumValue(ComplaintStatus, "COMPLAINT_STATUS_", input.status);
      const request = { ...input, status, note: input.note ?? undefined, requestId: input.requestId ?? undefined };
      const response = await feedback.advanceComplaint(request, scope);
      const now = enumName("COMPLAINT_STATUS_", response.status);
      if (now === null) throw new Error(`reporting answered without a complaint status: ${response.status}`);
      return { complaintId: input.complaintId, status: now, at: response.at };
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
  return { Query, Mutation };
}

/** Adverse events, suspensions, ratings and complaints (contexts/reporting/supervision.graphql). */
export const supervisionModule: GatewayModule = {
  name: "supervision",
  schemaFile: new URL("./supervision.graphql", import.meta.url),
  resolvers: supervisionResolvers,
};
