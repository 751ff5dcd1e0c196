import type {
  GetSupervisionDashboardRequest,
  GetSupervisionDashboardResponse,
  SupervisionStatisticsServiceServer,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { statisticsHandlers } from "../application/statisticsDashboard.js";

/** ihp.reporting.v1.SupervisionStatisticsService (proto/ihp/reporting/v1/statistics.proto), REP-04. */
export function statisticsServer(grpc: GrpcHandlers, statistics: ReturnType<typeof statisticsHandlers>): SupervisionStatisticsServiceServer {
  return {
    getSupervisionDashboard: grpc.unary<GetSupervisionDashboardRequest, GetSupervisionDashboardResponse>(async (request, call) => {
      const { institutionId, jurisdiction, from, to } = request;
      const figures = await statistics.dashboard(call.principal, { institutionId: institutionId ?? "", jurisdiction: jurisdiction ?? "", from, to });
      return { ...figures, from, to };
    }),
  };
}
