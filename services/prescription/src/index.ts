// @ihp/prescription: drafting, RX rules, signing, serial numbers and validity of prescriptions.
export { prescriptionConfigSchema } from "./config.js";
export type { PrescriptionConfig } from "./config.js";
export { startPrescriptionService } from "./service.js";
export type { PrescriptionService, PrescriptionServiceOptions } from "./service.js";
export { PRESCRIPTION_ERRORS } from "./domain/errors.js";
export type { PrescriptionErrorCode, PrescriptionErrorEntry } from "./domain/errors.js";
export type { ConsultContextPort, Forwarded, SignaturePort } from "./application/ports.js";
export { PRESCRIPTION_CONTEXT, prescriptionEventMessage } from "./adapters/bus/integrationEvents.js";
