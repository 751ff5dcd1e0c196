// @ihp/identity: the identity service. Exports are listed, never re-exported wholesale.
export { startIdentityService } from "./service.js";
export type { IdentityService, IdentityServiceOptions } from "./service.js";
export { identityConfigSchema } from "./config.js";
export type { IdentityConfig } from "./config.js";
export { IDENTITY_ERRORS } from "./domain/errors.js";
export type { IdentityErrorCode, IdentityErrorEntry } from "./domain/errors.js";
export { DIAGNOSIS_SUBJECTS } from "./domain/diagnosisSubjects.js";
export { identityEventMessage, IDENTITY_CONTEXT } from "./adapters/bus/integrationEvents.js";
