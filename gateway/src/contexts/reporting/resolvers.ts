import { enumName, enumValue } from "@ihp/contracts";
import { AnomalyCaseServiceService, IncidentAuthority, IncidentKind, IncidentServiceService } from "@ihp/contracts/reporting";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

// The SDL enum is the contract; an authority the service added without the gateway is a deployment mismatch.
const authorityOut = (authority: IncidentAuthority) => present(enumName("INCIDENT_AUTHORITY_", authority) ?? undefined, "the task's authority");

function incidentResolvers(deps: ContextDeps) {
  async function clients(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return {
      scope,
      incidents: deps.downstream.service("reporting", IncidentServiceService),
      anomalies: deps.downstream.service("reporting", AnomalyCaseServiceService),
    };
  }
  const Query = {
    /** The service decides who may read the incident and records refusals. */
    async incident(_root, { incidentId }, context) {
      const { scope, incidents } = await clients(context);
      const { kind, tasks, ...incident } = await incidents.getIncident({ incidentId }, scope);
      return {
        ...incident,
        kind: present(enumName("INCIDENT_KIND_", kind) ?? undefined, "the incident's kind"),
        tasks: tasks.map(({ authority, notifiedAt, reference, ...task }) => ({
          ...task,
          authority: authorityOut(authority),
          notifiedAt: notifiedAt ?? null,
          reference: reference ?? null,
        })),
      };
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
  const Mutation = {
    /** The service checks role, tenant and kind and records refusals; the gateway forwards the caller's token. */
    async reportIncident(_root, { input }, context) {
      const { scope, incidents } = await clients(context);
      const request = { ...input, kind: enumValue(IncidentKind, "INCIDENT_KIND_", input.kind), requestId: input.requestId ?? undefined };
      const response = await incidents.reportIncident(request, scope);
      return { ...response, tasks: response.tasks.map((task) => ({ ...task, authority: authorityOut(task.authority) })) };
    },
    async markIncidentAuthorityNotified(_root, { input }, context) {
      const { scope, incidents } = await clients(context);
      const request = { ...input, authority: enumValue(IncidentAuthority, "INCIDENT_AUTHORITY_", input.authority), requestId: input.requestId ?? undefined };
      const response = await incidents.markAuthorityNotified(request, scope);
      return { incidentId: input.incidentId, authority: input.authority, notifiedAt: response.notifiedAt };
    },
    async openAnomalyCase(_root, { input }, context) {
      const { scope, anomalies } = await clients(context);
      const response = await anomalies.openAnomalyCase({ ...input, workingDays: Math.max(0, input.workingDays) }, scope);
      return { caseId: input.caseId, ...response };
    },
    async closeAnomalyCase(_root, { caseId, rectificationNote }, context) {
      const { scope, anomalies } = await clients(context);
      const response = await anomalies.closeAnomalyCase({ caseId, rectificationNote }, scope);
      return { caseId, closedAt: response.closedAt };
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
  return { Query, Mutation };
}

/** The reporting service's incident (REP-07) and anomaly-case (REP-05) API (contexts/reporting/schema.graphql). */
export const reportingModule: GatewayModule = {
  name: "reporting",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: incidentResolvers,
};
