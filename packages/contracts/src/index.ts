// Public surface of the generated contracts. Generated code lives in src/gen (not committed; `npm run generate`).
export { enumName, enumValue, enumValueOf } from "./enums.js";
export { unlessEmpty } from "./optionals.js";
export type { EnumName } from "./enums.js";
export { EventEnvelope, EventMetadata } from "./gen/ihp/common/v1/envelope.js";
export { LogCheckpointSigned } from "./gen/ihp/common/v1/checkpoint.js";
export { ErrorDetail } from "./gen/ihp/common/v1/errors.js";
export { PageInfo, PageRequest } from "./gen/ihp/common/v1/paging.js";
// Every service's audit trail query (proto/ihp/audit/v1), served by the shared service host.
export {
  AuditOutcome,
  AuditRecord,
  AuditServiceClient,
  AuditServiceService,
  ListAuditRecordsRequest,
  ListAuditRecordsResponse,
  auditOutcomeFromJSON,
  auditOutcomeToJSON,
} from "./gen/ihp/audit/v1/audit.js";
export type { AuditServiceServer } from "./gen/ihp/audit/v1/audit.js";
// Standard gRPC health checking protocol. The service definition is renamed so it does not clash with the
// platform's HealthService implementation.
export {
  HealthCheckRequest,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
  HealthClient,
  HealthService as HealthServiceDefinition,
} from "./gen/grpc/health/v1/health.js";
export type { HealthServer } from "./gen/grpc/health/v1/health.js";
