// @ihp/gateway: the GraphQL gateway for hospital front-ends. Exports are listed, never re-exported wholesale.
export { createGateway, liveSubscriptions } from "./server.js";
export type { Gateway, GatewayOptions } from "./server.js";
export { startGateway } from "./start.js";
export type { RunningGateway, StartGatewayOptions } from "./start.js";
export { DEFAULT_LIMITS } from "./limits/limits.js";
export type { Limits } from "./limits/limits.js";
export { GATEWAY_ERRORS } from "./errors/gatewayErrors.js";
export type { GatewayErrorCode } from "./errors/gatewayErrors.js";
export type { ClientTls } from "./grpc/downstream.js";
export { FEED_ENTRY_SUBJECT } from "./subscriptions/feedConsumer.js";
export { loadGatewayConfig } from "./config.js";
export { loadComposedSchemaText } from "./schema.js";
export { accessRoleOf, declaredAccess, roleOfAccessRole } from "./access/declaredAccess.js";
export type { DeclaredAccess, OperationAccess, OperationName } from "./access/declaredAccess.js";
export type { GatewayConfig } from "./config.js";
