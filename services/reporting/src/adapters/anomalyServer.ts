import type {
  AnomalyCaseServiceServer,
  CloseAnomalyCaseRequest,
  CloseAnomalyCaseResponse,
  OpenAnomalyCaseRequest,
  OpenAnomalyCaseResponse,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { anomalyHandlers } from "../application/anomalies.js";
import type { AnomalyEvent } from "../domain/anomalies/anomalyDecider.js";

type Opened = Extract<AnomalyEvent, { type: "AnomalyCaseOpened" }>["data"];
type Closed = Extract<AnomalyEvent, { type: "AnomalyCaseClosed" }>["data"];

/** ihp.reporting.v1.AnomalyCaseService (proto/ihp/reporting/v1/anomalies.proto), REP-05. */
export function anomalyServer(grpc: GrpcHandlers, anomalies: ReturnType<typeof anomalyHandlers>): AnomalyCaseServiceServer {
  return {
    openAnomalyCase: grpc.unary<OpenAnomalyCaseRequest, OpenAnomalyCaseResponse>(async (request, call) => {
      const [event] = await anomalies.openCase(call.principal, request);
      const data = event?.data as unknown as Opened | undefined;
      return { openedAt: data?.openedAt ?? "", dueDay: data?.dueDay ?? "" };
    }),
    closeAnomalyCase: grpc.unary<CloseAnomalyCaseRequest, CloseAnomalyCaseResponse>(async (request, call) => {
      const [event] = await anomalies.closeCase(call.principal, request.caseId, request.rectificationNote);
      return { closedAt: (event?.data as unknown as Closed | undefined)?.closedAt ?? "" };
    }),
  };
}
