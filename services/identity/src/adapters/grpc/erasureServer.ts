import { ErasureStatus, type SubjectErasure, type SubjectErasureServiceServer } from "@ihp/contracts/identity";
import type { GrpcHandlers } from "@ihp/platform";
import type { ErasureCoordinator, ErasureState } from "../../application/erasure/erasureCoordinator.js";
import { callerOf } from "./accessCaller.js";

/** ihp.identity.v1.SubjectErasureService (proto/ihp/identity/v1/erasure.proto): converts; the coordinator decides. */
export function erasureServer(options: { handlers: GrpcHandlers; coordinator: ErasureCoordinator; newId: () => string }): SubjectErasureServiceServer {
  const { handlers, coordinator, newId } = options;
  return {
    requestSubjectErasure: handlers.unary(async (request, call) => ({
      erasure: toProto(
        await coordinator.request(callerOf(call, newId), {
          requestId: request.requestId,
          patientId: request.patientId,
          retentionClass: request.retentionClass,
          approvalRef: request.approvalRef,
        }),
      ),
    })),
    getSubjectErasure: handlers.unary(async (request, call) => ({ erasure: toProto(await coordinator.get(callerOf(call, newId), request.erasureId)) })),
  };
}

function toProto(state: ErasureState): SubjectErasure {
  return {
    erasureId: state.erasureId,
    patientId: state.subject,
    retentionClass: state.retentionClass,
    approvalRef: state.approvalRef,
    holders: [...state.holders],
    confirmed: [...state.confirmed],
    pending: [...state.pending],
    status: state.status === "COMPLETE" ? ErasureStatus.ERASURE_STATUS_COMPLETE : ErasureStatus.ERASURE_STATUS_INCOMPLETE,
    requestedAt: state.requestedAt,
    attempts: state.attempts,
  };
}
