// @ihp/integration: the integration service. Exports are listed, never re-exported wholesale.
export { INTEGRATION_CONTEXT, startIntegrationService } from "./service.js";
export type { IntegrationService, IntegrationServiceOptions } from "./service.js";
export { integrationConfigSchema } from "./config.js";
export type { IntegrationConfig } from "./config.js";
export { INTEGRATION_ERRORS } from "./domain/errors.js";
export type { IntegrationErrorCode, IntegrationErrorEntry } from "./domain/errors.js";
export { createIngest, senderPrincipal } from "./application/ingest.js";
export type { Ingest, IngestOutcome, IngestSender } from "./application/ingest.js";
export { PRIOR_RECORD_TYPES } from "./domain/messages.js";
export { grpcIdentity } from "./adapters/identity/grpcIdentity.js";
export type { IdentityPort } from "./application/ports.js";
