// @ihp/contracts/consult: the consult service's gRPC contracts and integration events (proto/ihp/consult/v1).
export {
  ConsultContextServiceClient,
  ConsultContextServiceService,
  Diagnosis,
  GetPrescribingContextRequest,
  GetPrescribingContextResponse,
} from "./gen/ihp/consult/v1/prescribing.js";
export type { ConsultContextServiceServer } from "./gen/ihp/consult/v1/prescribing.js";
export {
  ConsultCompleted,
  ConsultRefused,
  ConsultStarted,
  ConsultTerminated,
} from "./gen/ihp/consult/v1/events.js";
