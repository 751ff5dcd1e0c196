import {
  type AdvanceComplaintResponse,
  AdverseEventServiceClient,
  FeedbackServiceClient,
  type FileComplaintResponse,
  type LiftSuspensionResponse,
  type ListSuspensionsResponse,
  type RateConsultResponse,
  type ReportAdverseEventResponse,
} from "@ihp/contracts/reporting";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

interface ReportInput {
  readonly adverseEventId: string;
  readonly institutionId: string;
  readonly kind: string;
  readonly severity: string;
  readonly scopeKind: string;
  readonly scopeValue: string;
  readonly consultId?: string | null;
  readonly description: string;
  readonly requestId?: string | null;
}

type Args<T> = { readonly input: T };

const orNull = (value: string): string | null => (value === "" ? null : value);

/** REP-06 and REP-04 satisfaction/complaints: every decision and refusal is the reporting service's. */
function supervisionResolvers(deps: ContextDeps) {
  const adverse = async (context: HttpContext) => ({
    scope: callScope(deps, context, await context.caller.actor()),
    client: deps.downstream.client("reporting", AdverseEventServiceClient),
  });
  const feedback = async (context: HttpContext) => ({
    scope: callScope(deps, context, await context.caller.actor()),
    client: deps.downstream.client("reporting", FeedbackServiceClient),
  });

  const Query = {
    async suspensions(_root: unknown, args: { readonly institutionId: string }, context: HttpContext) {
      const { scope, client } = await adverse(context);
      const response = await unary<ListSuspensionsResponse>(scope, (metadata, options, done) => client.listSuspensions({ institutionId: args.institutionId }, metadata, options, done));
      return response.suspensions.map((s) => ({ ...s, liftedAt: orNull(s.liftedAt), liftedBy: orNull(s.liftedBy), liftReason: orNull(s.liftReason) }));
    },
  };

  const Mutation = {
    async reportAdverseEvent(_root: unknown, { input }: Args<ReportInput>, context: HttpContext) {
      const request = { ...input, consultId: input.consultId ?? "", requestId: input.requestId ?? "" };
      const { scope, client } = await adverse(context);
      const response = await unary<ReportAdverseEventResponse>(scope, (metadata, options, done) => client.reportAdverseEvent(request, metadata, options, done));
      return { adverseEventId: input.adverseEventId, reportedAt: response.reportedAt, suspended: response.suspended, suspensionId: orNull(response.suspensionId) };
    },
    async liftSuspension(_root: unknown, { input }: Args<{ institutionId: string; suspensionId: string; reason: string; requestId?: string | null }>, context: HttpContext) {
      const request = { ...input, requestId: input.requestId ?? "" };
      const { scope, client } = await adverse(context);
      const response = await unary<LiftSuspensionResponse>(scope, (metadata, options, done) => client.liftSuspension(request, metadata, options, done));
      return { suspensionId: input.suspensionId, liftedAt: response.liftedAt };
    },
    async rateConsult(_root: unknown, { input }: Args<{ consultId: string; score: number; comment?: string | null; requestId?: string | null }>, context: HttpContext) {
      const request = { consultId: input.consultId, score: Math.max(0, input.score), comment: input.comment ?? "", requestId: input.requestId ?? "" };
      const { scope, client } = await feedback(context);
      const response = await unary<RateConsultResponse>(scope, (metadata, options, done) => client.rateConsult(request, metadata, options, done));
      return { consultId: input.consultId, ratedAt: response.ratedAt };
    },
    async fileComplaint(
      _root: unknown,
      { input }: Args<{ complaintId: string; consultId: string; category: string; text: string; requestId?: string | null }>,
      context: HttpContext,
    ) {
      const request = { complaintId: input.complaintId, consultId: input.consultId, categoryCode: input.category, text: input.text, requestId: input.requestId ?? "" };
      const { scope, client } = await feedback(context);
      const response = await unary<FileComplaintResponse>(scope, (metadata, options, done) => client.fileComplaint(request, metadata, options, done));
      return { complaintId: input.complaintId, ...response };
    },
    async advanceComplaint(_root: unknown, { input }: Args<{ complaintId: string; status: string; note?: string | null; requestId?: string | null }>, context: HttpContext) {
      const request = { complaintId: input.complaintId, status: input.status, note: input.note ?? "", requestId: input.requestId ?? "" };
      const { scope, client } = await feedback(context);
      const response = await unary<AdvanceComplaintResponse>(scope, (metadata, options, done) => client.advanceComplaint(request, metadata, options, done));
      return { complaintId: input.complaintId, status: response.status, at: response.at };
    },
  };
  return { Query, Mutation };
}

/** Adverse events, suspensions, ratings and complaints (contexts/reporting/supervision.graphql). */
export const supervisionModule: GatewayModule = {
  name: "supervision",
  schemaFile: new URL("./supervision.graphql", import.meta.url),
  resolvers: supervisionResolvers,
};
