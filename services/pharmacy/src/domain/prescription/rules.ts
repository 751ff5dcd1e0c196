import { refusal } from "../errors.js";
import { isCivilDate, isExpired, parseInstant } from "../dates.js";
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type PrescriptionDocument,
  type ReviewerFacts,
  type ReviewerPolicy,
  type ShipmentData,
  type SignatureData,
} from "../types.js";
import type { PrescriptionState, PrescriptionVersion } from "./state.js";

// The rules of one prescription version. Each returns the checked value or throws the refusal for its stable code;
// the decider turns a thrown refusal into a returned one.

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PAYMENT_REFERENCE = /^[A-Za-z0-9_-]{4,64}$/;
const TEXT = /^[^\p{Cc}\u2028\u2029]{1,100}$/u;

export function isSafeId(raw: string): boolean {
  return ID.test(raw);
}

/** RX-03: a signed version we can review: ids, civil dates in order, lines, the signed bytes and the signature. */
export function requireDocument(document: PrescriptionDocument): PrescriptionDocument {
  const ids = [document.prescriptionId, document.serialNumber, document.institutionId, document.patientId, document.physicianId];
  const ok =
    ids.every(isSafeId) &&
    isCivilDate(document.issuedOn) &&
    isCivilDate(document.validUntil) &&
    document.issuedOn <= document.validUntil &&
    document.lines.length > 0 &&
    document.lines.every((line) => line.drugCode.trim() !== "") &&
    document.canonicalDocumentBase64 !== "" &&
    document.physicianSignature.valueBase64 !== "" &&
    document.physicianSignature.documentHashHex !== "";
  if (!ok) throw refusal("INVALID_PRESCRIPTION_DOCUMENT");
  return document;
}

/**
 * The consult a version was prescribed in, as the physician signed it: read from the signed canonical document, not
 * from the message's own consult_id next to it, so the pharmacist sees what the signature covers. "" if the
 * document does not name one.
 */
export function signedConsultId(document: Pick<PrescriptionDocument, "canonicalDocumentBase64">): string {
  try {
    const signed: unknown = JSON.parse(Buffer.from(document.canonicalDocumentBase64, "base64").toString("utf8"));
    if (typeof signed === "object" && signed !== null && "consultId" in signed && typeof signed.consultId === "string") return signed.consultId;
  } catch {
    // Bytes that are not JSON name no consult; the signature check decides whether the version is reviewable.
  }
  return "";
}

export function received(state: PrescriptionState): PrescriptionVersion {
  if (state.version === undefined) throw refusal("PRESCRIPTION_NOT_FOUND");
  return state.version;
}

/**
 * PHA-01/PHA-03: a version a pharmacist may decide on now. Exported so the application can ask before it has a
 * signature made for a decision that would be refused anyway.
 */
export function requireReviewable(state: PrescriptionState): PrescriptionVersion {
  const version = received(state);
  if (state.voided) throw refusal("PRESCRIPTION_VOIDED");
  switch (version.review) {
    case "signature_invalid":
      throw refusal("PHYSICIAN_SIGNATURE_INVALID");
    case "approved":
    case "returned":
    case "rejected":
      throw refusal("REVIEW_ALREADY_DECIDED");
    case "signed":
    case "under_review":
      return version;
  }
}

/** PHA-02: dispensing experience and an affiliation the jurisdiction allows (identity checked too; this is the record). */
export function requireEligibleReviewer(reviewer: ReviewerFacts, policy: ReviewerPolicy): void {
  const affiliation = reviewer.affiliation.toUpperCase();
  if (reviewer.dispensingYears < policy.minDispensingYears || !policy.affiliations.includes(affiliation)) {
    throw refusal("REVIEWER_NOT_ELIGIBLE");
  }
}

/** PHA-05: the pharmacist's own signature over the very document hash the physician signed. */
export function requirePharmacistSignature(signature: SignatureData, pharmacistId: string, version: PrescriptionVersion): void {
  const physician = version.document.physicianSignature;
  const ok =
    signature.signerId === pharmacistId &&
    signature.signerProfession === "PHARMACIST" &&
    signature.valueBase64 !== "" &&
    signature.documentHashHex !== "" &&
    signature.documentHashHex === physician.documentHashHex;
  if (!ok) throw refusal("PHARMACIST_SIGNATURE_MISMATCH");
}

/** PHA-03: a reason code from the configured list. */
export function requireReason(raw: string, allowed: readonly string[]): string {
  const code = raw.trim();
  if (code === "") throw refusal("REASON_CODE_REQUIRED");
  if (!allowed.includes(code)) throw refusal("UNKNOWN_REASON_CODE");
  return code;
}

/** PHA-01, RX-06: approved, not voided, and not past its last valid day (Beijing). */
export function requireDispensable(state: PrescriptionState, at: Date): PrescriptionVersion {
  const version = received(state);
  if (state.voided) throw refusal("PRESCRIPTION_VOIDED");
  if (version.review !== "approved") throw refusal("REVIEW_NOT_APPROVED");
  if (isExpired(version.document.validUntil, at)) throw refusal("RX_EXPIRED");
  return version;
}

export function requirePayment(reference: string, amountFen: number): void {
  if (!PAYMENT_REFERENCE.test(reference) || !Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw refusal("INVALID_PAYMENT");
  }
}

export function requirePharmacyId(raw: string): string {
  if (!isSafeId(raw)) throw refusal("INVALID_PHARMACY_ID");
  return raw;
}

/** PHA-08: the dispatch names carrier, agreement, tracking number and handover time. */
export function requireShipment(shipment: ShipmentData, deliveryId: string): ShipmentData {
  const ok =
    isSafeId(deliveryId) &&
    TEXT.test(shipment.carrier) &&
    isSafeId(shipment.agreementId) &&
    isSafeId(shipment.trackingNumber) &&
    parseInstant(shipment.handedOverAt) !== undefined;
  if (!ok) throw refusal("INVALID_SHIPMENT");
  return shipment;
}

const NEXT: { readonly [S in DeliveryStatus]: readonly DeliveryStatus[] } = {
  DISPATCHED: ["IN_TRANSIT", "DELIVERED", "FAILED", "RETURNED"],
  IN_TRANSIT: ["DELIVERED", "FAILED", "RETURNED"],
  // A failed attempt may be retried or sent back.
  FAILED: ["IN_TRANSIT", "RETURNED"],
  DELIVERED: [],
  RETURNED: [],
};

export function requireDeliveryStatus(raw: string, at: string): DeliveryStatus {
  const status = DELIVERY_STATUSES.find((candidate) => candidate === raw);
  if (status === undefined || status === "DISPATCHED" || parseInstant(at) === undefined) {
    throw refusal("INVALID_DELIVERY_STATUS");
  }
  return status;
}

export function canMove(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return NEXT[from].includes(to);
}
