import { enumName } from "@ihp/contracts";
import {
  type AdvanceComplaintRequest,
  type AdvanceComplaintResponse,
  ComplaintStatus,
  type FeedbackServiceServer,
  type FileComplaintRequest,
  type FileComplaintResponse,
  type RateConsultRequest,
  type RateConsultResponse,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { complaintHandlers } from "../application/complaints.js";

type Handlers = ReturnType<typeof complaintHandlers>;

const optional = (requestId: string | undefined): { requestId?: string } => (requestId === undefined ? {} : { requestId });

/** ihp.reporting.v1.FeedbackService (proto/ihp/reporting/v1/feedback.proto), REP-04 satisfaction and complaints. */
export function complaintServer(grpc: GrpcHandlers, complaints: Handlers): FeedbackServiceServer {
  return {
    rateConsult: grpc.unary<RateConsultRequest, RateConsultResponse>(async ({ requestId, comment, ...request }, call) => {
      return { ratedAt: await complaints.rate(call.principal, { ...request, comment: comment ?? "", ...optional(requestId) }) };
    }),
    fileComplaint: grpc.unary<FileComplaintRequest, FileComplaintResponse>(async ({ requestId, category, ...request }, call) => {
      // An unset or unknown category is "", which the domain refuses like any code it does not know.
      return complaints.file(call.principal, { ...request, categoryCode: enumName("COMPLAINT_CATEGORY_", category) ?? "", ...optional(requestId) });
    }),
    advanceComplaint: grpc.unary<AdvanceComplaintRequest, AdvanceComplaintResponse>(async ({ requestId, status, note, ...request }, call) => {
      const input = { ...request, status: enumName("COMPLAINT_STATUS_", status) ?? "", note: note ?? "", ...optional(requestId) };
      const advanced = await complaints.advance(call.principal, input);
      // The application answers the domain's status name ("" for a repeat that changed nothing).
      const named = Object.values(ComplaintStatus).find((value) => enumName("COMPLAINT_STATUS_", value) === advanced.status);
      return { ...advanced, status: named ?? ComplaintStatus.COMPLAINT_STATUS_UNSPECIFIED };
    }),
  };
}
