import type { CatalogueRef, PrescriptionEvent } from "./events.js";
import type { ConsultSnapshot, Content, ReviewStatus, SignatureRecord } from "./types.js";

export type SignedVersion = {
  readonly serialNumber: string;
  readonly predecessorSerialNumber: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly canonicalDocument: string;
  readonly signature: SignatureRecord;
};

export type Prescription = {
  readonly prescriptionId: string;
  readonly version: number;
  /** DRAFT: editable, unsigned. SIGNED: this version is signed and went to review. */
  readonly status: "DRAFT" | "SIGNED";
  readonly consult: ConsultSnapshot;
  readonly content: Content;
  readonly catalogue: CatalogueRef;
  readonly longTermConfirmed: boolean;
  readonly signed: SignedVersion | undefined;
  /** The last serial number this prescription was signed under, voided or returned ones included. */
  readonly lastSerialNumber: string;
  readonly serialNumbers: readonly string[];
  readonly review: ReviewStatus;
  readonly reviewReasonCode: string;
};

export type PrescriptionState = { readonly status: "none" } | Prescription;

export const initialState: PrescriptionState = { status: "none" };

export function evolve(state: PrescriptionState, event: PrescriptionEvent): PrescriptionState {
  switch (event.type) {
    case "PrescriptionDrafted":
    case "PrescriptionRevised": {
      const previous = state.status === "none" ? undefined : state;
      return {
        prescriptionId: event.data.prescriptionId,
        version: event.data.version,
        status: "DRAFT",
        consult: event.data.consult,
        content: event.data.content,
        catalogue: event.data.catalogue,
        longTermConfirmed: false,
        signed: undefined,
        lastSerialNumber: previous?.lastSerialNumber ?? "",
        serialNumbers: previous?.serialNumbers ?? [],
        review: "NOT_SUBMITTED",
        reviewReasonCode: "",
      };
    }
    case "PrescriptionLinesConfirmed": {
      if (state.status === "none") return state;
      const confirmed = new Set(event.data.lineIds);
      const lines = state.content.lines.map((line) =>
        confirmed.has(line.lineId) ? { ...line, confirmedBy: event.data.physicianId } : line,
      );
      return { ...state, content: { ...state.content, lines } };
    }
    case "LongTermPlanConfirmed":
      return state.status === "none" ? state : { ...state, longTermConfirmed: true };
    case "PrescriptionSigned": {
      if (state.status === "none") return state;
      const { serialNumber, predecessorSerialNumber, issuedOn, validUntil, canonicalDocument, signature } = event.data;
      return {
        ...state,
        status: "SIGNED",
        signed: { serialNumber, predecessorSerialNumber, issuedOn, validUntil, canonicalDocument, signature },
        lastSerialNumber: serialNumber,
        serialNumbers: [...state.serialNumbers, serialNumber],
        review: "UNDER_REVIEW",
        reviewReasonCode: "",
      };
    }
    case "PrescriptionVoided":
      // The revision that follows in the same append opens the new version.
      return state;
    case "ReviewOutcomeRecorded":
      return state.status === "none" ? state : { ...state, review: event.data.outcome, reviewReasonCode: event.data.reasonCode };
  }
}
