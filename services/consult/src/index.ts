// @ihp/consult: the consult service. Exports are listed, never re-exported wholesale.
export { startConsultService, settingsFrom } from "./service.js";
export type { ConsultService, ConsultServiceOptions } from "./service.js";
export { consultConfigSchema } from "./config.js";
export type { ConsultConfig } from "./config.js";
export { CONSULT_ERRORS } from "./domain/errors.js";
export type { ConsultErrorCode, ConsultErrorEntry } from "./domain/errors.js";
export { consultEventMessage, CONSULT_CONTEXT } from "./adapters/bus/integrationEvents.js";
export { currentConsentText } from "./application/consentTexts.js";
export type { Caller } from "./application/caller.js";
export type {
  GuardianCheck,
  IdentityPort,
  InstitutionInfo,
  ReceivingCheck,
  ReceivingGrant,
  RtcPort,
  RtcToken,
  SignRequest,
  VerifiedPatient,
  VerifyRequest,
} from "./application/ports.js";
