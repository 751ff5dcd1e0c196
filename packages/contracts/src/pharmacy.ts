// @ihp/contracts/pharmacy: the pharmacy service's gRPC contracts and integration events (proto/ihp/pharmacy/v1).
export {
  DeliveryDispatched,
  DeliveryStatusChanged,
  PrescriptionDispensed,
  PrescriptionReviewed,
  ReviewOutcome,
  reviewOutcomeFromJSON,
  reviewOutcomeToJSON,
} from "./gen/ihp/pharmacy/v1/events.js";
