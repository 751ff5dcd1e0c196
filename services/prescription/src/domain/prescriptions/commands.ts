import type { Actor, ConsultSnapshot, ContentInput, ReviewOutcome, SignatureRecord } from "./types.js";

export type DraftPrescription = {
  readonly type: "DraftPrescription";
  readonly prescriptionId: string;
  readonly consult: ConsultSnapshot;
  readonly content: ContentInput;
  readonly actor: Actor;
  readonly at: Date;
};

/** Replaces the content; on a signed version it voids the signature and opens a new version (RX-03). */
export type RevisePrescription = {
  readonly type: "RevisePrescription";
  readonly prescriptionId: string;
  readonly consult: ConsultSnapshot;
  readonly content: ContentInput;
  readonly actor: Actor;
  readonly at: Date;
};

export type ConfirmLines = {
  readonly type: "ConfirmLines";
  readonly prescriptionId: string;
  readonly version: number;
  readonly lineIds: readonly string[];
  readonly actor: Actor;
  readonly at: Date;
};

export type ConfirmLongTermPlan = {
  readonly type: "ConfirmLongTermPlan";
  readonly prescriptionId: string;
  readonly version: number;
  readonly actor: Actor;
  readonly at: Date;
};

/** The signing facts the application gathered: serial number, the document it had signed and identity's verdict. */
export type SignPrescription = {
  readonly type: "SignPrescription";
  readonly prescriptionId: string;
  readonly version: number;
  readonly consult: ConsultSnapshot;
  readonly validityDays: number;
  readonly serialNumber: string;
  readonly canonicalDocument: string;
  readonly signature: SignatureRecord;
  readonly verification: { readonly valid: boolean; readonly reasonCode: string };
  readonly actor: Actor;
  readonly at: Date;
};

export type RecordReviewOutcome = {
  readonly type: "RecordReviewOutcome";
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly outcome: ReviewOutcome;
  readonly reasonCode: string;
  readonly pharmacistId: string;
  readonly reviewedAt: string;
};

export type PrescriptionCommand =
  | DraftPrescription
  | RevisePrescription
  | ConfirmLines
  | ConfirmLongTermPlan
  | SignPrescription
  | RecordReviewOutcome;
