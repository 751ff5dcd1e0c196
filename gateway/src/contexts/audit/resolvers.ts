import { AuditOutcome, type AuditRecord, AuditServiceClient, type ListAuditRecordsResponse } from "@ihp/contracts";
import type { BackendName } from "../../grpc/downstream.js";
import { unary } from "../../grpc/unary.js";
import { type Connection, connection, type PageArgs } from "../../paging/connection.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

type AuditedService = "IDENTITY" | "CONSULT" | "PRESCRIPTION" | "PHARMACY" | "REPORTING";
type Outcome = "REFUSED" | "ALLOWED";

interface AuditFilterInput {
  readonly from: string;
  readonly to: string;
  readonly actorId?: string | null;
  readonly action?: string | null;
  readonly outcome?: Outcome | null;
  readonly institutionId?: string | null;
}

export interface AuditRecordView {
  readonly id: string;
  readonly service: AuditedService;
  readonly occurredAt: string;
  readonly action: string;
  readonly outcome: Outcome;
  readonly reasonCode: string | null;
  readonly ruleId: string | null;
  readonly actorId: string;
  readonly actorRoles: readonly string[];
  readonly institutionId: string | null;
  readonly resource: string | null;
  readonly correlationId: string;
}

const BACKEND: Readonly<Record<AuditedService, BackendName>> = {
  IDENTITY: "identity",
  CONSULT: "consult",
  PRESCRIPTION: "prescription",
  PHARMACY: "pharmacy",
  REPORTING: "reporting",
};
const SERVICE_OF: Readonly<Record<string, AuditedService>> = {
  identity: "IDENTITY",
  consult: "CONSULT",
  prescription: "PRESCRIPTION",
  pharmacy: "PHARMACY",
  reporting: "REPORTING",
};
const OUTCOME_IN: Readonly<Record<Outcome, AuditOutcome>> = {
  REFUSED: AuditOutcome.AUDIT_OUTCOME_REFUSED,
  ALLOWED: AuditOutcome.AUDIT_OUTCOME_ALLOWED,
};

function orNull(value: string): string | null {
  return value === "" ? null : value;
}

function recordView(asked: AuditedService): (record: AuditRecord) => AuditRecordView {
  return (record) => ({
    id: record.id,
    service: SERVICE_OF[record.service] ?? asked,
    occurredAt: record.occurredAt,
    action: record.action,
    outcome: record.outcome === AuditOutcome.AUDIT_OUTCOME_REFUSED ? "REFUSED" : "ALLOWED",
    reasonCode: orNull(record.reasonCode),
    ruleId: orNull(record.ruleId),
    actorId: record.actorId,
    actorRoles: record.actorRoles,
    institutionId: orNull(record.institutionId),
    resource: orNull(record.resource),
    correlationId: record.correlationId,
  });
}

function auditResolvers(deps: ContextDeps) {
  const Query = {
    /** The service decides who may read what and records the query; the gateway only forwards the caller's token. */
    async auditTrail(
      _root: unknown,
      args: PageArgs & { readonly service: AuditedService; readonly filter: AuditFilterInput },
      context: HttpContext,
    ): Promise<Connection<AuditRecordView>> {
      const scope = callScope(deps, context, await context.caller.actor());
      const client = deps.downstream.client(BACKEND[args.service], AuditServiceClient);
      const { filter } = args;
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await unary<ListAuditRecordsResponse>(scope, (metadata, options, done) =>
            client.listAuditRecords(
              {
                from: filter.from,
                to: filter.to,
                actorId: filter.actorId ?? "",
                action: filter.action ?? "",
                outcome: filter.outcome == null ? AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED : OUTCOME_IN[filter.outcome],
                institutionId: filter.institutionId ?? "",
                first,
                after,
              },
              metadata,
              options,
              done,
            ),
          );
          return { items: response.records, endCursor: response.nextCursor, hasNextPage: response.nextCursor !== "" };
        },
        recordView(args.service),
      );
    },
  };
  return { Query };
}

/** The audit trail's API (contexts/audit/schema.graphql): every service's audit records, through that service. */
export const auditModule: GatewayModule = {
  name: "audit",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: auditResolvers,
};
