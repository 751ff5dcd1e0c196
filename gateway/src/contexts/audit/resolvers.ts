import { AuditOutcome, type AuditRecord, AuditServiceService, enumName, enumValue } from "@ihp/contracts";
import type * as Gql from "../../gen/graphql.js";
import type { BackendName } from "../../grpc/downstream.js";
import { connection } from "../../paging/connection.js";
import { callScope, type HttpContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

const BACKEND = {
  IDENTITY: "identity",
  CONSULT: "consult",
  PRESCRIPTION: "prescription",
  PHARMACY: "pharmacy",
  REPORTING: "reporting",
} as const satisfies Readonly<Record<Gql.AuditedService, BackendName>>;
const SERVICES = Object.keys(BACKEND) as Gql.AuditedService[];

function recordView(asked: Gql.AuditedService): (record: AuditRecord) => Gql.AuditRecord {
  return (record) => ({
    ...record,
    service: SERVICES.find((name) => BACKEND[name] === record.service) ?? asked,
    outcome: enumName("AUDIT_OUTCOME_", record.outcome) === "REFUSED" ? "REFUSED" : "ALLOWED",
    reasonCode: record.reasonCode ?? null,
    ruleId: record.ruleId ?? null,
    institutionId: record.institutionId ?? null,
    resource: record.resource ?? null,
  });
}

function auditResolvers(deps: ContextDeps) {
  const Query = {
    /** The service decides who may read what and records the query; the gateway only forwards the caller's token. */
    async auditTrail(_root, args, context) {
      const scope = callScope(deps, context, await context.caller.actor());
      const audit = deps.downstream.service(BACKEND[args.service], AuditServiceService);
      const { filter } = args;
      const request = {
        from: filter.from,
        to: filter.to,
        actorId: filter.actorId ?? undefined,
        action: filter.action ?? undefined,
        outcome: filter.outcome == null ? AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED : enumValue(AuditOutcome, "AUDIT_OUTCOME_", filter.outcome),
        institutionId: filter.institutionId ?? undefined,
      };
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await audit.listAuditRecords({ ...request, first, after }, scope);
          return { items: response.records, endCursor: response.nextCursor ?? "", hasNextPage: response.nextCursor !== undefined };
        },
        recordView(args.service),
      );
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
  return { Query };
}

/** The audit trail's API (contexts/audit/schema.graphql): every service's audit records, through that service. */
export const auditModule: GatewayModule = {
  name: "audit",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: auditResolvers,
};
