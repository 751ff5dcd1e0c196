import type {
  AdvanceComplaintRequest,
  AdvanceComplaintResponse,
  FeedbackServiceServer,
  FileComplaintRequest,
  FileComplaintResponse,
  RateConsultRequest,
  RateConsultResponse,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { complaintHandlers } from "../application/complaints.js";

type Handlers = ReturnType<typeof complaintHandlers>;

const optional = (requestId: string): { requestId?: string } => (requestId === "" ? {} : { requestId });

/** ihp.reporting.v1.FeedbackService (proto/ihp/reporting/v1/feedback.proto), REP-04 satisfaction and complaints. */
export function complaintServer(grpc: GrpcHandlers, complaints: Handlers): FeedbackServiceServer {
  return {
    rateConsult: grpc.unary<RateConsultRequest, RateConsultResponse>(async (request, call) => {
      const ratedAt = await complaints.rate(call.principal, { consultId: request.consultId, score: request.score, comment: request.comment, ...optional(request.requestId) });
      return { ratedAt };
    }),
    fileComplaint: grpc.unary<FileComplaintRequest, FileComplaintResponse>(async (request, call) => {
      const { complaintId, consultId, categoryCode, text } = request;
      return complaints.file(call.principal, { complaintId, consultId, categoryCode, text, ...optional(request.requestId) });
    }),
    advanceComplaint: grpc.unary<AdvanceComplaintRequest, AdvanceComplaintResponse>(async (request, call) => {
      return complaints.advance(call.principal, { complaintId: request.complaintId, status: request.status, note: request.note, ...optional(request.requestId) });
    }),
  };
}
