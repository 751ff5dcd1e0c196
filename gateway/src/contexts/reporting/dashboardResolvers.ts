import { type Durations, SupervisionStatisticsServiceService } from "@ihp/contracts/reporting";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

const durations = (d: Durations | undefined): Gql.Durations => ({
  count: d?.count ?? 0,
  medianMinutes: d?.medianMinutes ?? null,
  p90Minutes: d?.p90Minutes ?? null,
});

/** REP-04 supervision statistics: every decision and refusal is the reporting service's. */
function dashboardResolvers(deps: ContextDeps) {
  const Query = {
    async supervisionDashboard(_root, args, context) {
      const scope = callScope(deps, context, await context.caller.actor());
      const statistics = deps.downstream.service("reporting", SupervisionStatisticsServiceService);
      const request = { ...args, institutionId: args.institutionId ?? undefined, jurisdiction: args.jurisdiction ?? undefined };
      const { asOf, reviewTurnaround, consultResponse, ...figures } = await statistics.getSupervisionDashboard(request, scope);
      return { ...figures, asOf: asOf ?? null, reviewTurnaround: durations(reviewTurnaround), consultResponse: durations(consultResponse) };
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
  return { Query };
}

/** The supervision dashboard's figures (contexts/reporting/dashboard.graphql). */
export const dashboardModule: GatewayModule = {
  name: "dashboard",
  schemaFile: new URL("./dashboard.graphql", import.meta.url),
  resolvers: dashboardResolvers,
};
