import { enumName, enumValue } from "@ihp/contracts";
import {
  type GetIncidentRequest,
  type GetIncidentResponse,
  IncidentAuthority,
  IncidentKind,
  type IncidentServiceServer,
  type MarkAuthorityNotifiedRequest,
  type MarkAuthorityNotifiedResponse,
  type ReportIncidentRequest,
  type ReportIncidentResponse,
} from "@ihp/contracts/reporting";
import type { GrpcHandlers } from "@ihp/platform";
import type { incidentHandlers } from "../application/incidents.js";
import type { IncidentEvent } from "../domain/incidents/incidentDecider.js";
import { type Authority, isIncidentKind } from "../domain/incidents/incidentDeadlines.js";

type Handlers = ReturnType<typeof incidentHandlers>;

const optional = (requestId: string | undefined): { requestId?: string } => (requestId === undefined ? {} : { requestId });

/** The domain names its authorities in lower case: cyberspace ⇄ INCIDENT_AUTHORITY_CYBERSPACE. */
const authorityToProto = (authority: Authority): IncidentAuthority =>
  enumValue(IncidentAuthority, "INCIDENT_AUTHORITY_", authority.toUpperCase() as Uppercase<Authority>);

/** ihp.reporting.v1.IncidentService (proto/ihp/reporting/v1/incidents.proto), REP-07. */
export function incidentServer(grpc: GrpcHandlers, incidents: Handlers): IncidentServiceServer {
  return {
    reportIncident: grpc.unary<ReportIncidentRequest, ReportIncidentResponse>(async (request, call) => {
      const [event] = await incidents.reportIncident(call.principal, {
        incidentId: request.incidentId,
        institutionId: request.institutionId,
        // An unset or unknown kind is "", refused like any kind the domain does not know (INCIDENT_KIND_UNKNOWN).
        kind: enumName("INCIDENT_KIND_", request.kind) ?? "",
        operatorClass: request.criticalInfrastructure ? "critical_infrastructure" : "other",
        categoryCode: request.categoryCode,
        ...optional(request.requestId),
      });
      const data = event?.data as unknown as Extract<IncidentEvent, { type: "IncidentReported" }>["data"] | undefined;
      return {
        incidentId: request.incidentId,
        reportedAt: data?.reportedAt ?? "",
        tasks: (data?.tasks ?? []).map((task) => ({ authority: authorityToProto(task.authority), dueAt: task.dueAt })),
      };
    }),
    markAuthorityNotified: grpc.unary<MarkAuthorityNotifiedRequest, MarkAuthorityNotifiedResponse>(async (request, call) => {
      const [event] = await incidents.markAuthorityNotified(call.principal, {
        incidentId: request.incidentId,
        // An unset or unknown authority is "", which has no task (NOTIFICATION_TASK_UNKNOWN).
        authority: enumName("INCIDENT_AUTHORITY_", request.authority)?.toLowerCase() ?? "",
        reference: request.reference,
        ...optional(request.requestId),
      });
      const data = event?.data as unknown as Extract<IncidentEvent, { type: "AuthorityNotified" }>["data"] | undefined;
      return { notifiedAt: data?.notifiedAt ?? "" };
    }),
    getIncident: grpc.unary<GetIncidentRequest, GetIncidentResponse>(async (request, call) => {
      const view = await incidents.getIncident(call.principal, request.incidentId);
      return {
        incidentId: view.incidentId,
        institutionId: view.institutionId,
        kind: isIncidentKind(view.kind) ? enumValue(IncidentKind, "INCIDENT_KIND_", view.kind) : IncidentKind.INCIDENT_KIND_UNSPECIFIED,
        criticalInfrastructure: view.operatorClass === "critical_infrastructure",
        categoryCode: view.categoryCode,
        reportedAt: view.reportedAt,
        tasks: view.tasks.map((task) => ({ ...task, authority: authorityToProto(task.authority) })),
      };
    }),
  };
}
