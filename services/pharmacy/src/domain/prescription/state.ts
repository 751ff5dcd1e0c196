import type { DeliveryStatus, PrescriptionDocument, ScreeningFinding, ShipmentData, SignatureData } from "../types.js";

/** Review states of PHA-01; "signed" is received but not yet screened (never seen between commands). */
export type ReviewState = "signed" | "signature_invalid" | "under_review" | "approved" | "returned" | "rejected";

export interface PrescriptionVersion {
  readonly document: PrescriptionDocument;
  readonly review: ReviewState;
  readonly receivedAt: string;
  readonly findings: readonly ScreeningFinding[];
  /** Reason code of a return or rejection, or of a held signature. */
  readonly reasonCode: string;
  readonly pharmacistId: string;
  readonly reviewedAt: string;
  /** The pharmacist's signature of the decision (PHA-05); undefined before review. */
  readonly reviewSignature: SignatureData | undefined;
  readonly paidAt: string;
  readonly dispensedAt: string;
  readonly delivery:
    | (ShipmentData & { readonly deliveryId: string; readonly status: DeliveryStatus; readonly statusAt: string })
    | undefined;
}

export interface PrescriptionState {
  /** Undefined until the signed version is received (a void may arrive first on an at-least-once bus). */
  readonly version: PrescriptionVersion | undefined;
  readonly voided: boolean;
}

export const NOTHING_RECEIVED: PrescriptionState = { version: undefined, voided: false };
