// Value types shared by the pharmacy aggregates. Type aliases of plain JSON, so they fit in event data as stored.

/** A practitioner's signature as the pharmacy keeps it (the contract's ihp.identity.v1.Signature, bytes as text). */
export type SignatureData = {
  readonly signerId: string;
  /** PHYSICIAN, PHARMACIST, … */
  readonly signerProfession: string;
  readonly certificateSerial: string;
  readonly algorithm: string;
  /** Base64 of the DER signature value. */
  readonly valueBase64: string;
  readonly signedAt: string;
  /** Hex of the signed document hash. */
  readonly documentHashHex: string;
};

/** One drug line exactly as the physician signed it; pharmacists never change it (PHA-03). */
export type PrescriptionLineData = {
  readonly drugCode: string;
  readonly approvedName: string;
  readonly form: string;
  readonly strength: string;
  readonly dose: string;
  readonly doseUnit: string;
  readonly route: string;
  readonly frequency: string;
  readonly daysSupply: number;
  readonly quantity: string;
  readonly quantityUnit: string;
};

/** The signed prescription version as received from the prescription service (ihp.prescription.v1.PrescriptionSigned). */
export type PrescriptionDocument = {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly version: number;
  readonly predecessorSerialNumber: string;
  readonly consultId: string;
  readonly institutionId: string;
  readonly jurisdiction: string;
  readonly patientId: string;
  readonly physicianId: string;
  /** ISO dates, Beijing time (RX-06). */
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly lines: PrescriptionLineData[];
  readonly diagnosisCodes: string[];
  readonly patientBirthDate: string;
  /** Base64 of the canonical JSON the physician signed; the pharmacist signs the same bytes (PHA-05). */
  readonly canonicalDocumentBase64: string;
  readonly physicianSignature: SignatureData;
};

/** What automated screening found (PHA-04): assists the pharmacist, never decides. */
export type FindingSeverity = "INFO" | "WARNING" | "CRITICAL";

export type ScreeningFinding = {
  readonly code: string;
  readonly severity: FindingSeverity;
  readonly drugCodes: string[];
  readonly detail: string;
};

/** A reviewer as identity's CheckReviewer answered for them (PHA-02). */
export type ReviewerFacts = {
  /** IN_HOUSE, CONTRACTED or RETAIL_PHARMACIST. */
  readonly affiliation: string;
  readonly dispensingYears: number;
};

/** The jurisdiction's reviewer requirements in effect (PHA-02, XC-08). */
export interface ReviewerPolicy {
  readonly minDispensingYears: number;
  /** Allowed affiliations, upper case: IN_HOUSE, CONTRACTED, RETAIL_PHARMACIST. */
  readonly affiliations: readonly string[];
}

/** A carrier's acknowledgement of a handover (PHA-08). */
export type ShipmentData = {
  readonly carrier: string;
  readonly agreementId: string;
  readonly trackingNumber: string;
  readonly handedOverAt: string;
};

export const DELIVERY_STATUSES = ["DISPATCHED", "IN_TRANSIT", "DELIVERED", "FAILED", "RETURNED"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
