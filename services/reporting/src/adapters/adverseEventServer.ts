import { enumName, enumValue } from "@ihp/contracts";
import {
  type AdverseEventServiceServer,
  type CheckSuspensionsRequest,
  type CheckSuspensionsResponse,
  type LiftSuspensionRequest,
  type LiftSuspensionResponse,
  type ListSuspensionsRequest,
  type ListSuspensionsResponse,
  type ReportAdverseEventRequest,
  type ReportAdverseEventResponse,
  type Suspension,
  SuspensionScopeKind,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { adverseEventHandlers } from "../application/adverseEvents.js";
import type { SuspensionRecord } from "../domain/adverseEvents/suspensionDecider.js";

type Handlers = ReturnType<typeof adverseEventHandlers>;

const optional = (requestId: string | undefined): { requestId?: string } => (requestId === undefined ? {} : { requestId });

function toSuspension(record: SuspensionRecord): Suspension {
  return {
    suspensionId: record.suspensionId,
    adverseEventId: record.adverseEventId,
    scopeKind: enumValue(SuspensionScopeKind, "SUSPENSION_SCOPE_KIND_", record.scopeKind),
    scopeValue: record.scopeValue,
    suspendedAt: record.suspendedAt,
    suspendedBy: record.suspendedBy,
    liftedAt: record.lifted?.liftedAt,
    liftedBy: record.lifted?.liftedBy,
    liftReason: record.lifted?.reason,
  };
}

/** ihp.reporting.v1.AdverseEventService (proto/ihp/reporting/v1/adverse_events.proto), REP-06. */
export function adverseEventServer(grpc: GrpcHandlers, adverseEvents: Handlers): AdverseEventServiceServer {
  return {
    reportAdverseEvent: grpc.unary<ReportAdverseEventRequest, ReportAdverseEventResponse>(async (message, call) => {
      const { kind, severity, scopeKind, consultId, requestId, ...request } = message;
      // An unset or unknown value is "", which the domain refuses (ADVERSE_EVENT_INVALID) like any name it does not know.
      // The caller's own token goes along: identity checks a clinician's session on it (IDN-08).
      const outcome = await adverseEvents.report({ principal: call.principal, token: call.token, deadline: call.deadline }, {
        ...request,
        kind: enumName("ADVERSE_EVENT_KIND_", kind) ?? "",
        severity: enumName("ADVERSE_EVENT_SEVERITY_", severity) ?? "",
        scopeKind: enumName("SUSPENSION_SCOPE_KIND_", scopeKind) ?? "",
        consultId: consultId ?? "",
        ...optional(requestId),
      });
      return { reportedAt: outcome.reportedAt, suspended: outcome.suspensionId !== undefined, suspensionId: outcome.suspensionId };
    }),
    liftSuspension: grpc.unary<LiftSuspensionRequest, LiftSuspensionResponse>(async (request, call) => {
      const liftedAt = await adverseEvents.lift(call.principal, {
        institutionId: request.institutionId,
        suspensionId: request.suspensionId,
        reason: request.reason,
        ...optional(request.requestId),
      });
      return { liftedAt };
    }),
    checkSuspensions: grpc.unary<CheckSuspensionsRequest, CheckSuspensionsResponse>(async (request, call) => {
      const query = { clinicianId: request.clinicianId, departmentCode: request.departmentCode, drugCodes: request.drugCodes };
      return { suspensions: (await adverseEvents.check(call.principal, request.institutionId, query)).map(toSuspension) };
    }),
    listSuspensions: grpc.unary<ListSuspensionsRequest, ListSuspensionsResponse>(async (request, call) => {
      return { suspensions: (await adverseEvents.list(call.principal, request.institutionId)).map(toSuspension) };
    }),
  };
}
