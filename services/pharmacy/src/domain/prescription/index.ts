export type {
  ApprovePrescription,
  DispatchDelivery,
  DispensePrescription,
  PrescriptionCommand,
  ReceivePrescription,
  RecordPayment,
  RecordTrackingEvents,
  RejectPrescription,
  ReturnPrescription,
  VoidPrescription,
} from "./commands.js";
export { prescriptionDecider } from "./decider.js";
export { isPrescriptionEventType, PRESCRIPTION_EVENT_TYPES } from "./events.js";
export type {
  DeliveryDispatchedData,
  DeliveryStatusChangedData,
  PaymentRecordedData,
  PrescriptionDispensedData,
  PrescriptionEvent,
  PrescriptionReceivedData,
  ReasonedDecisionData,
  ReviewDecisionData,
} from "./events.js";
export { isSafeId, requireEligibleReviewer, requireReason, requireReviewable, signedConsultId } from "./rules.js";
export { NOTHING_RECEIVED } from "./state.js";
export type { PrescriptionState, PrescriptionVersion, ReviewState } from "./state.js";
