import type { DomainEvent } from "@ihp/eventsourcing";
import type { PrescriptionDocument, ReviewerFacts, ScreeningFinding, ShipmentData, SignatureData } from "../types.js";

export type PrescriptionReceivedData = { readonly document: PrescriptionDocument; readonly receivedAt: string };
/** SIGNED → UNDER_REVIEW, with the automated findings (PHA-04). */
export type QueuedForReviewData = { readonly findings: ScreeningFinding[]; readonly queuedAt: string };
/** The physician's signature did not verify: held, never approvable (RX-03). */
export type SignatureHeldData = { readonly reasonCode: string; readonly heldAt: string };
export type ReviewDecisionData = {
  readonly pharmacistId: string;
  readonly reviewer: ReviewerFacts;
  readonly signature: SignatureData;
  readonly reviewedAt: string;
};
export type ReasonedDecisionData = ReviewDecisionData & { readonly reasonCode: string };
export type PrescriptionVoidedData = { readonly reason: string; readonly voidedAt: string };
export type PaymentRecordedData = { readonly paymentReference: string; readonly amountFen: number; readonly paidAt: string };
export type PrescriptionDispensedData = {
  readonly pharmacyId: string;
  readonly pharmacistId: string;
  readonly dispensedAt: string;
};
export type DeliveryDispatchedData = { readonly deliveryId: string; readonly pharmacyId: string } & ShipmentData;
export type DeliveryStatusChangedData = { readonly deliveryId: string; readonly status: string; readonly at: string };

export type PrescriptionReceived = DomainEvent<"PrescriptionReceived", PrescriptionReceivedData>;
export type PrescriptionQueuedForReview = DomainEvent<"PrescriptionQueuedForReview", QueuedForReviewData>;
export type PrescriptionSignatureHeld = DomainEvent<"PrescriptionSignatureHeld", SignatureHeldData>;
export type PrescriptionApproved = DomainEvent<"PrescriptionApproved", ReviewDecisionData>;
export type PrescriptionReturned = DomainEvent<"PrescriptionReturned", ReasonedDecisionData>;
export type PrescriptionRejected = DomainEvent<"PrescriptionRejected", ReasonedDecisionData>;
export type PrescriptionVoided = DomainEvent<"PrescriptionVoided", PrescriptionVoidedData>;
export type PaymentRecorded = DomainEvent<"PaymentRecorded", PaymentRecordedData>;
export type PrescriptionDispensed = DomainEvent<"PrescriptionDispensed", PrescriptionDispensedData>;
export type DeliveryDispatched = DomainEvent<"DeliveryDispatched", DeliveryDispatchedData>;
export type DeliveryStatusChanged = DomainEvent<"DeliveryStatusChanged", DeliveryStatusChangedData>;

export type PrescriptionEvent =
  | PrescriptionReceived
  | PrescriptionQueuedForReview
  | PrescriptionSignatureHeld
  | PrescriptionApproved
  | PrescriptionReturned
  | PrescriptionRejected
  | PrescriptionVoided
  | PaymentRecorded
  | PrescriptionDispensed
  | DeliveryDispatched
  | DeliveryStatusChanged;

export const PRESCRIPTION_EVENT_TYPES: ReadonlySet<string> = new Set<PrescriptionEvent["type"]>([
  "PrescriptionReceived",
  "PrescriptionQueuedForReview",
  "PrescriptionSignatureHeld",
  "PrescriptionApproved",
  "PrescriptionReturned",
  "PrescriptionRejected",
  "PrescriptionVoided",
  "PaymentRecorded",
  "PrescriptionDispensed",
  "DeliveryDispatched",
  "DeliveryStatusChanged",
]);

export function isPrescriptionEventType(type: string): type is PrescriptionEvent["type"] {
  return PRESCRIPTION_EVENT_TYPES.has(type);
}
