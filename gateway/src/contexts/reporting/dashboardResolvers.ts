import { type GetSupervisionDashboardResponse, SupervisionStatisticsServiceClient } from "@ihp/contracts/reporting";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

interface DashboardArgs {
  readonly institutionId?: string | null;
  readonly jurisdiction?: string | null;
  readonly from: string;
  readonly to: string;
}

/** REP-04 supervision statistics: every decision and refusal is the reporting service's. */
function dashboardResolvers(deps: ContextDeps) {
  const Query = {
    async supervisionDashboard(_root: unknown, args: DashboardArgs, context: HttpContext) {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client("reporting", SupervisionStatisticsServiceClient);
      const request = { institutionId: args.institutionId ?? "", jurisdiction: args.jurisdiction ?? "", from: args.from, to: args.to };
      const response = await unary<GetSupervisionDashboardResponse>(scope, (metadata, options, done) =>
        client.getSupervisionDashboard(request, metadata, options, done),
      );
      const durations = (d: GetSupervisionDashboardResponse["reviewTurnaround"]) => ({
        count: d?.count ?? 0,
        medianMinutes: d?.medianMinutes ?? null,
        p90Minutes: d?.p90Minutes ?? null,
      });
      return {
        ...response,
        asOf: response.asOf === "" ? null : response.asOf,
        reviewTurnaround: durations(response.reviewTurnaround),
        consultResponse: durations(response.consultResponse),
      };
    },
  };
  return { Query };
}

/** The supervision dashboard's figures (contexts/reporting/dashboard.graphql). */
export const dashboardModule: GatewayModule = {
  name: "dashboard",
  schemaFile: new URL("./dashboard.graphql", import.meta.url),
  resolvers: dashboardResolvers,
};
