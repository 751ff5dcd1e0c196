import {
  AnomalyCaseServiceClient,
  type CloseAnomalyCaseResponse,
  type GetIncidentResponse,
  type OpenAnomalyCaseResponse,
  IncidentServiceClient,
  type MarkAuthorityNotifiedResponse,
  type ReportIncidentResponse,
} from "@ihp/contracts/reporting";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

type IncidentAuthority = "CYBERSPACE" | "HEALTH";

interface ReportIncidentInput {
  readonly incidentId: string;
  readonly institutionId: string;
  readonly kind: "DATA_LEAK" | "MAJOR_CYBER";
  readonly criticalInfrastructure: boolean;
  readonly categoryCode: string;
  readonly requestId?: string | null;
}

interface MarkNotifiedInput {
  readonly incidentId: string;
  readonly authority: IncidentAuthority;
  readonly reference: string;
  readonly requestId?: string | null;
}

const AUTHORITY_OUT: Readonly<Record<string, IncidentAuthority>> = { cyberspace: "CYBERSPACE", health: "HEALTH" };
const AUTHORITY_IN: Readonly<Record<IncidentAuthority, string>> = { CYBERSPACE: "cyberspace", HEALTH: "health" };

function authorityOut(authority: string): IncidentAuthority {
  const known = AUTHORITY_OUT[authority];
  // The SDL enum is the contract; an authority the service added without the gateway is a deployment mismatch.
  if (known === undefined) throw new Error(`unknown incident authority from reporting: ${authority}`);
  return known;
}

function orNull(value: string): string | null {
  return value === "" ? null : value;
}

function incidentResolvers(deps: ContextDeps) {
  const Query = {
    /** The service decides who may read the incident and records refusals. */
    async incident(_root: unknown, args: { readonly incidentId: string }, context: HttpContext) {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client("reporting", IncidentServiceClient);
      const response = await unary<GetIncidentResponse>(scope, (metadata, options, done) =>
        client.getIncident({ incidentId: args.incidentId }, metadata, options, done),
      );
      return {
        incidentId: response.incidentId,
        institutionId: response.institutionId,
        kind: response.kind,
        criticalInfrastructure: response.criticalInfrastructure,
        categoryCode: response.categoryCode,
        reportedAt: response.reportedAt,
        tasks: response.tasks.map((task) => ({
          authority: authorityOut(task.authority),
          dueAt: task.dueAt,
          notifiedAt: orNull(task.notifiedAt),
          reference: orNull(task.reference),
          overdue: task.overdue,
        })),
      };
    },
  };
  const Mutation = {
    /** The service checks role, tenant and kind and records refusals; the gateway forwards the caller's token. */
    async reportIncident(_root: unknown, args: { readonly input: ReportIncidentInput }, context: HttpContext) {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client("reporting", IncidentServiceClient);
      const { input } = args;
      const response = await unary<ReportIncidentResponse>(scope, (metadata, options, done) =>
        client.reportIncident(
          {
            incidentId: input.incidentId,
            institutionId: input.institutionId,
            kind: input.kind,
            criticalInfrastructure: input.criticalInfrastructure,
            categoryCode: input.categoryCode,
            requestId: input.requestId ?? "",
          },
          metadata,
          options,
          done,
        ),
      );
      return {
        incidentId: response.incidentId,
        reportedAt: response.reportedAt,
        tasks: response.tasks.map((task) => ({ authority: authorityOut(task.authority), dueAt: task.dueAt })),
      };
    },

    async markIncidentAuthorityNotified(_root: unknown, args: { readonly input: MarkNotifiedInput }, context: HttpContext) {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client("reporting", IncidentServiceClient);
      const { input } = args;
      const response = await unary<MarkAuthorityNotifiedResponse>(scope, (metadata, options, done) =>
        client.markAuthorityNotified(
          {
            incidentId: input.incidentId,
            authority: AUTHORITY_IN[input.authority],
            reference: input.reference,
            requestId: input.requestId ?? "",
          },
          metadata,
          options,
          done,
        ),
      );
      return { incidentId: input.incidentId, authority: input.authority, notifiedAt: response.notifiedAt };
    },
  };
  const anomalies = {
    async openAnomalyCase(
      _root: unknown,
      args: { readonly input: { caseId: string; institutionId: string; findingCode: string; findingReference: string; workingDays: number } },
      context: HttpContext,
    ) {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client("reporting", AnomalyCaseServiceClient);
      const { input } = args;
      const response = await unary<OpenAnomalyCaseResponse>(scope, (metadata, options, done) =>
        client.openAnomalyCase({ ...input, workingDays: Math.max(0, input.workingDays) }, metadata, options, done),
      );
      return { caseId: input.caseId, openedAt: response.openedAt, dueDay: response.dueDay };
    },
    async closeAnomalyCase(_root: unknown, args: { readonly caseId: string; readonly rectificationNote: string }, context: HttpContext) {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client("reporting", AnomalyCaseServiceClient);
      const response = await unary<CloseAnomalyCaseResponse>(scope, (metadata, options, done) =>
        client.closeAnomalyCase({ caseId: args.caseId, rectificationNote: args.rectificationNote }, metadata, options, done),
      );
      return { caseId: args.caseId, closedAt: response.closedAt };
    },
  };
  return { Query, Mutation: { ...Mutation, ...anomalies } };
}

/** The reporting service's incident (REP-07) and anomaly-case (REP-05) API (contexts/reporting/schema.graphql). */
export const reportingModule: GatewayModule = {
  name: "reporting",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: incidentResolvers,
};
