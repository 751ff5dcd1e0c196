// Entry shapes of the activity categories (REP-03, REP-04), mirroring the messages of
// proto/ihp/reporting/v1/feed.proto field for field. Type aliases, not interfaces: they are stored as event data,
// which must be assignable to JsonObject.

/** StaffRecordEntry (REP-03). The ID number is required by the regulator and must never be logged. */
export type StaffRecordEntry = {
  readonly practitionerId: string;
  readonly change: string;
  readonly profession: string;
  readonly name: string;
  readonly idNumber: string;
  readonly practiceLicenceNumber: string;
  readonly title: string;
  readonly scopeCodes: string[];
  readonly departmentCodes: string[];
  readonly mainInstitutionName: string;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly active: boolean;
};

export type ConsultStartedEntry = {
  readonly consultId: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly startedAt: string;
  readonly priorRecordId: string;
};

export type ConsultCompletedEntry = {
  readonly consultId: string;
  readonly physicianId: string;
  readonly completedAt: string;
  readonly diagnosisCodes: string[];
  readonly summaryHash: string;
};

export type ConsultTerminatedEntry = {
  readonly consultId: string;
  readonly physicianId: string;
  readonly reasonCode: string;
  readonly terminatedAt: string;
  readonly referredOffline: boolean;
};

export type ConsultRefusedEntry = {
  readonly consultId: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly reasonCode: string;
  readonly refusedAt: string;
};

export type PrescribedDrug = {
  readonly drugCode: string;
  readonly approvedName: string;
  readonly quantity: string;
  readonly quantityUnit: string;
  readonly daysSupply: number;
};

export type PrescriptionSignedEntry = {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly predecessorSerialNumber: string;
  readonly consultId: string;
  readonly physicianId: string;
  readonly patientId: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly drugs: PrescribedDrug[];
  readonly diagnosisCodes: string[];
  readonly signatureCertificateSerial: string;
  readonly signatureAlgorithm: string;
};

export type PrescriptionVoidedEntry = {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly voidedAt: string;
};

export type PrescriptionReviewEntry = {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly outcome: string;
  readonly reasonCode: string;
  readonly pharmacistId: string;
  readonly reviewedAt: string;
  readonly signatureCertificateSerial: string;
};

export type DispensingEntry = {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly pharmacyId: string;
  readonly pharmacistId: string;
  readonly dispensedAt: string;
};

/** PHA-08: prescription, pharmacy, carrier, agreement, tracking and handover time. */
export type DeliveryDispatchedEntry = {
  readonly deliveryId: string;
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly pharmacyId: string;
  readonly carrier: string;
  readonly agreementId: string;
  readonly trackingNumber: string;
  readonly handedOverAt: string;
};

export type DeliveryStatusEntry = {
  readonly deliveryId: string;
  readonly prescriptionId: string;
  readonly status: string;
  readonly at: string;
};

/** EMR (REP-04): an outpatient record that became SIGNED; ids, version, time and the signature's hash only. */
export type EmrEntry = {
  readonly recordId: string;
  readonly version: number;
  readonly signerId: string;
  readonly cosigned: boolean;
  readonly signedAt: string;
  readonly documentHash: string;
  readonly signatureCertificateSerial: string;
  readonly signatureAlgorithm: string;
};

/**
 * Category, kind and entry of an activity entry. A category with several kinds of fact (CONSULT, PRESCRIPTION,
 * DELIVERY) names the kind; the contract says it through the payload's message type.
 */
export type ActivityEntry =
  | { readonly category: "STAFF_RECORD"; readonly entry: StaffRecordEntry }
  | { readonly category: "CONSULT"; readonly kind: "STARTED"; readonly entry: ConsultStartedEntry }
  | { readonly category: "CONSULT"; readonly kind: "COMPLETED"; readonly entry: ConsultCompletedEntry }
  | { readonly category: "CONSULT"; readonly kind: "TERMINATED"; readonly entry: ConsultTerminatedEntry }
  | { readonly category: "CONSULT"; readonly kind: "REFUSED"; readonly entry: ConsultRefusedEntry }
  | { readonly category: "PRESCRIPTION"; readonly kind: "SIGNED"; readonly entry: PrescriptionSignedEntry }
  | { readonly category: "PRESCRIPTION"; readonly kind: "VOIDED"; readonly entry: PrescriptionVoidedEntry }
  | { readonly category: "PRESCRIPTION_REVIEW"; readonly entry: PrescriptionReviewEntry }
  | { readonly category: "DISPENSING"; readonly entry: DispensingEntry }
  | { readonly category: "DELIVERY"; readonly kind: "DISPATCHED"; readonly entry: DeliveryDispatchedEntry }
  | { readonly category: "DELIVERY"; readonly kind: "STATUS_CHANGED"; readonly entry: DeliveryStatusEntry }
  | { readonly category: "EMR"; readonly entry: EmrEntry };
