// @ihp/pharmacy: the pharmacy service. Exports are listed, never re-exported wholesale.
export { startPharmacyService } from "./service.js";
export type { PharmacyService, PharmacyServiceOptions } from "./service.js";
export { pharmacyConfigSchema } from "./config.js";
export type { PharmacyConfig } from "./config.js";
export { PHARMACY_ERRORS } from "./domain/errors.js";
export type { PharmacyErrorCode, PharmacyErrorEntry } from "./domain/errors.js";
export { pharmacyEventMessage, PHARMACY_CONTEXT } from "./adapters/bus/integrationEvents.js";
export { catalogueLookup } from "./adapters/catalogue/drugCatalogue.js";
export { grpcIdentity } from "./adapters/identity/grpcIdentity.js";
export type { GrpcIdentityOptions } from "./adapters/identity/grpcIdentity.js";
export { localCarrier, LOCAL_CARRIER } from "./adapters/logistics/localCarrier.js";
export type { CatalogueLookup, IdentityPort, LogisticsPort, OutgoingCall } from "./application/ports.js";
