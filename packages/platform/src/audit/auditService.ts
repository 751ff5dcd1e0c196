import { AuditOutcome, AuditServiceService, enumName, enumValue, type ListAuditRecordsRequest, type ListAuditRecordsResponse } from "@ihp/contracts";
import { correlationIdOf } from "../grpc/correlation.js";
import type { GrpcHandlers } from "../grpc/grpcHandlers.js";
import type { GrpcServiceBinding } from "../grpc/serveGrpc.js";
import { traceFields } from "../tracing/propagation.js";
import type { AuditQuery } from "./auditQuery.js";


export interface AuditServiceOptions {
  readonly handlers: GrpcHandlers;
  readonly query: AuditQuery;
  /** Correlation ids for calls that bring none. */
  readonly newId: () => string;
}

/** ihp.audit.v1.AuditService over one service's audit trail: what the service host serves for every service. */
export function auditServiceBinding(options: AuditServiceOptions): GrpcServiceBinding {
  const listAuditRecords = options.handlers.unary<ListAuditRecordsRequest, ListAuditRecordsResponse>(async (request, call) => {
    const correlationId = correlationIdOf(call.metadata, options.newId);
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
