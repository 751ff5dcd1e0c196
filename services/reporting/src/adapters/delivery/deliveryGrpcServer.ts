import { enumValue } from "@ihp/contracts";
import {
  type GetDeliveryStatusRequest,
  type GetDeliveryStatusResponse,
  RegulatorDeliveryServiceService,
  type RegulatorDeliveryServiceServer,
  type ReplayDeadLettersRequest,
  type ReplayDeadLettersResponse,
  UploadKind,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { DeliveryAccess, ScopeRequest } from "../../application/delivery/deliveryAccess.js";

const scopeRequest = (request: GetDeliveryStatusRequest | ReplayDeadLettersRequest): ScopeRequest => ({
  jurisdiction: request.jurisdiction ?? "",
  institutionId: request.institutionId ?? "",
});

/** ihp.reporting.v1.RegulatorDeliveryService (proto/ihp/reporting/v1/delivery.proto), REP-04. */
export function deliveryGrpcService(grpc: GrpcHandlers, access: DeliveryAccess) {
  const implementation: RegulatorDeliveryServiceServer = {
    getDeliveryStatus: grpc.unary<GetDeliveryStatusRequest, GetDeliveryStatusResponse>(async (request, call) => {
      const status = await access.status(call.principal, scopeRequest(request));
      const { summary } = status;
      return {
        jurisdiction: request.jurisdiction,
        institutionId: request.institutionId,
        adapter: status.adapter,
        pending: status.pending,
        awaitingAck: status.awaitingAck,
        failed: status.failed,
        acknowledged: status.acknowledged,
        deadLettered: status.deadLettered,
        withheld: status.withheld,
        oldestUnacknowledgedAt: status.oldestUnacknowledgedAt,
        unacknowledged: summary.unacknowledged,
        asOf: summary.asOf,
        ackLagMedianSeconds: summary.ackLagMedianSeconds,
        pendingUploads: summary.pendingUploads.map((upload) => ({ ...upload, kind: enumValue(UploadKind, "UPLOAD_KIND_", upload.kind) })),
      };
    }),
    replayDeadLetters: grpc.unary<ReplayDeadLettersRequest, ReplayDeadLettersResponse>(async (request, call) => ({
      replayed: await access.replay(call.principal, scopeRequest(request)),
    })),
  };
  return { definition: RegulatorDeliveryServiceService, implementation };
}
