import { AuditOutcome, AuditServiceService, enumName, enumValue, type ListAuditRecordsRequest, type ListAuditRecordsResponse } from "@ihp/contracts";
import type { GrpcHandlers } from "../grpc/grpcHandlers.js";
import type { GrpcServiceBinding } from "../grpc/serveGrpc.js";
import { traceFields } from "../tracing/propagation.js";
import type { AuditQuery } from "./auditQuery.js";

/** Metadata key a caller may set to tie the audit record of its query to its own request. */
export const CORRELATION_HEADER = "x-correlation-id";
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AuditServiceOptions {
  readonly handlers: GrpcHandlers;
  readonly query: AuditQuery;
  /** Correlation ids for calls that bring none. */
  readonly newId: () => string;
}

/** ihp.audit.v1.AuditService over one service's audit trail: what the service host serves for every service. */
export function auditServiceBinding(options: AuditServiceOptions): GrpcServiceBinding {
  const listAuditRecords = options.handlers.unary<ListAuditRecordsRequest, ListAuditRecordsResponse>(async (request, call) => {
    const [header] = call.metadata.get(CORRELATION_HEADER);
    const correlationId = typeof header === "string" && CORRELATION_ID.test(header) ? header : options.newId();
    const page = await options.query.list(
      { principal: call.principal, correlationId, trace: traceFields() },
      { ...request, outcome: enumName("AUDIT_OUTCOME_", request.outcome) ?? undefined },
    );
    return {
      records: page.records.map((record) => ({
        ...record,
        actorRoles: [...record.actorRoles],
        outcome: enumValue(AuditOutcome, "AUDIT_OUTCOME_", record.outcome),
      })),
      nextCursor: page.nextCursor,
    };
  });
  return { definition: AuditServiceService, implementation: { listAuditRecords } };
}
