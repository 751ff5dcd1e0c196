import type { DomainEvent } from "@ihp/eventsourcing";
import type { Actor, ConsultSnapshot, Content, ReviewOutcome, SignatureRecord } from "./types.js";

// Event data are type aliases of plain JSON (arrays mutable, as JsonValue wants); what is stored is what was checked.

export type CatalogueRef = { readonly version: string; readonly sha256: string };

export type PrescriptionDraftedData = {
  readonly prescriptionId: string;
  readonly version: number;
  readonly consult: ConsultSnapshot;
  readonly content: Content;
  readonly catalogue: CatalogueRef;
  readonly by: Actor;
  readonly at: string;
};

/** A new version: a revised draft, or (after signing) the edit that voided the signed one (RX-03). */
export type PrescriptionRevisedData = PrescriptionDraftedData;

export type PrescriptionLinesConfirmedData = {
  readonly prescriptionId: string;
  readonly version: number;
  readonly lineIds: string[];
  readonly physicianId: string;
  readonly at: string;
};

export type LongTermPlanConfirmedData = {
  readonly prescriptionId: string;
  readonly version: number;
  readonly patientId: string;
  readonly at: string;
};

export type PrescriptionSignedData = {
  readonly prescriptionId: string;
  readonly version: number;
  /** RX-10: unique and immutable; every signed version has its own. */
  readonly serialNumber: string;
  /** The signed version this one replaces (returned by the pharmacist, or voided by an edit); empty for the first. */
  readonly predecessorSerialNumber: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly validityDays: number;
  /** Exactly the canonical JSON that was signed (RX-03): pharmacy verifies over these bytes. */
  readonly canonicalDocument: string;
  readonly signature: SignatureRecord;
  readonly at: string;
};

export type PrescriptionVoidedData = {
  readonly prescriptionId: string;
  readonly version: number;
  readonly serialNumber: string;
  readonly reason: string;
  readonly at: string;
};

export type ReviewOutcomeRecordedData = {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly outcome: ReviewOutcome;
  readonly reasonCode: string;
  readonly pharmacistId: string;
  readonly reviewedAt: string;
};

export type PrescriptionDrafted = DomainEvent<"PrescriptionDrafted", PrescriptionDraftedData>;
export type PrescriptionRevised = DomainEvent<"PrescriptionRevised", PrescriptionRevisedData>;
export type PrescriptionLinesConfirmed = DomainEvent<"PrescriptionLinesConfirmed", PrescriptionLinesConfirmedData>;
export type LongTermPlanConfirmed = DomainEvent<"LongTermPlanConfirmed", LongTermPlanConfirmedData>;
export type PrescriptionSigned = DomainEvent<"PrescriptionSigned", PrescriptionSignedData>;
export type PrescriptionVoided = DomainEvent<"PrescriptionVoided", PrescriptionVoidedData>;
export type ReviewOutcomeRecorded = DomainEvent<"ReviewOutcomeRecorded", ReviewOutcomeRecordedData>;

export type PrescriptionEvent =
  | PrescriptionDrafted
  | PrescriptionRevised
  | PrescriptionLinesConfirmed
  | LongTermPlanConfirmed
  | PrescriptionSigned
  | PrescriptionVoided
  | ReviewOutcomeRecorded;

export const PRESCRIPTION_EVENT_TYPES: ReadonlySet<string> = new Set<PrescriptionEvent["type"]>([
  "PrescriptionDrafted",
  "PrescriptionRevised",
  "PrescriptionLinesConfirmed",
  "LongTermPlanConfirmed",
  "PrescriptionSigned",
  "PrescriptionVoided",
  "ReviewOutcomeRecorded",
]);

export function isPrescriptionEventType(type: string): type is PrescriptionEvent["type"] {
  return PRESCRIPTION_EVENT_TYPES.has(type);
}
