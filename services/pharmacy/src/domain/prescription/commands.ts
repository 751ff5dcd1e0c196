import type { CatalogueFacts } from "../catalogue.js";
import type { PrescriptionDocument, ReviewerFacts, ReviewerPolicy, ShipmentData, SignatureData } from "../types.js";

/**
 * Commands on one prescription version (stream pharmacy-rx-<prescriptionId>-<serial>). Anything that needs I/O —
 * verifying or making a signature, the reviewer check, catalogue facts, the carrier's answer — is done by the
 * application first and arrives here as data; time arrives as `at`.
 */
export interface ReceivePrescription {
  readonly type: "ReceivePrescription";
  readonly document: PrescriptionDocument;
  /** identity's VerifySignature answer over the canonical document (RX-03). */
  readonly physicianSignatureCheck: { readonly valid: boolean; readonly reasonCode: string };
  readonly catalogue: CatalogueFacts;
  readonly at: Date;
}

/** What every pharmacist decision carries (PHA-02, PHA-05). */
interface Decision {
  readonly pharmacistId: string;
  readonly reviewer: ReviewerFacts;
  readonly policy: ReviewerPolicy;
  /** Made by SignDocument over the same canonical document the physician signed. */
  readonly signature: SignatureData;
  readonly at: Date;
}

export interface ApprovePrescription extends Decision {
  readonly type: "ApprovePrescription";
}

export interface ReturnPrescription extends Decision {
  readonly type: "ReturnPrescription";
  readonly reasonCode: string;
  /** The configured return reasons (PHA-03). */
  readonly allowedReasons: readonly string[];
}

export interface RejectPrescription extends Decision {
  readonly type: "RejectPrescription";
  readonly reasonCode: string;
  readonly allowedReasons: readonly string[];
}

export interface VoidPrescription {
  readonly type: "VoidPrescription";
  readonly reason: string;
  readonly voidedAt: string;
}

export interface RecordPayment {
  readonly type: "RecordPayment";
  readonly paymentReference: string;
  readonly amountFen: number;
  readonly at: Date;
}

export interface DispensePrescription {
  readonly type: "DispensePrescription";
  readonly pharmacyId: string;
  readonly pharmacistId: string;
  readonly at: Date;
}

export interface DispatchDelivery {
  readonly type: "DispatchDelivery";
  readonly deliveryId: string;
  readonly pharmacyId: string;
  readonly shipment: ShipmentData;
}

/** The carrier's tracking events, oldest first; those already recorded are skipped. */
export interface RecordTrackingEvents {
  readonly type: "RecordTrackingEvents";
  readonly events: readonly { readonly status: string; readonly at: string }[];
}

export type PrescriptionCommand =
  | ReceivePrescription
  | ApprovePrescription
  | ReturnPrescription
  | RejectPrescription
  | VoidPrescription
  | RecordPayment
  | DispensePrescription
  | DispatchDelivery
  | RecordTrackingEvents;
