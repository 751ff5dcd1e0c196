/**
 * What identity (staff records), consult, prescription and pharmacy tell the feed through their integration events,
 * as the activity decider reads it. As in facts.ts, only the fields the feed may need are declared: the adapters hand
 * over the whole decoded event (canonical document, signature value, patient birth date, diagnosis names, free-text
 * reasons …) and minimumNecessaryActivity.ts copies field by field, so none of that can reach the regulator (REP-04).
 */

/** ihp.identity.v1.StaffRecordChanged (REP-03). */
export interface StaffRecordChangedFact {
  readonly type: "StaffRecordChanged";
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly change: string;
  /** The contract's enum name, e.g. "PROFESSION_PHYSICIAN". */
  readonly profession: string;
  readonly name: string;
  readonly idNumber: string;
  readonly practiceLicenceNumber: string;
  readonly title: string;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly mainInstitutionName: string;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly active: boolean;
}

export interface ConsultStartedFact {
  readonly type: "ConsultStarted";
  readonly consultId: string;
  readonly institutionId: string;
  readonly consultType: string;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly startedAt: string;
  readonly priorRecordId: string;
}

export interface ConsultCompletedFact {
  readonly type: "ConsultCompleted";
  readonly consultId: string;
  readonly institutionId: string;
  readonly physicianId: string;
  readonly completedAt: string;
  /** Only the code is read: diagnosis names stay out of the feed. */
  readonly diagnoses: readonly { readonly code: string }[];
  readonly summaryHash: string;
}

export interface ConsultTerminatedFact {
  readonly type: "ConsultTerminated";
  readonly consultId: string;
  readonly institutionId: string;
  readonly physicianId: string;
  readonly reasonCode: string;
  readonly terminatedAt: string;
  readonly referredOffline: boolean;
}

export interface ConsultRefusedFact {
  readonly type: "ConsultRefused";
  readonly consultId: string;
  readonly institutionId: string;
  readonly reasonCode: string;
  readonly refusedAt: string;
  readonly consultType: string;
  readonly departmentCode: string;
}

export interface PrescriptionLineFact {
  readonly drugCode: string;
  readonly approvedName: string;
  readonly daysSupply: number;
  readonly quantity: string;
  readonly quantityUnit: string;
}

/** The signature as far as the feed reads it: which certificate signed, with which algorithm; never the value. */
export interface SignatureFact {
  readonly certificateSerial: string;
  /** The contract's enum name, e.g. "SIGNATURE_ALGORITHM_SM2_SM3". */
  readonly algorithm: string;
}

export interface PrescriptionSignedFact {
  readonly type: "PrescriptionSigned";
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly predecessorSerialNumber: string;
  readonly consultId: string;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly lines: readonly PrescriptionLineFact[];
  readonly diagnosisCodes: readonly string[];
  readonly signature: SignatureFact | undefined;
}

/** Names no institution: the feed takes it from the prescription's earlier entries. */
export interface PrescriptionVoidedFact {
  readonly type: "PrescriptionVoided";
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly voidedAt: string;
}

export interface PrescriptionReviewedFact {
  readonly type: "PrescriptionReviewed";
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly institutionId: string;
  /** The contract's enum name, e.g. "REVIEW_OUTCOME_APPROVED". */
  readonly outcome: string;
  readonly reasonCode: string;
  readonly pharmacistId: string;
  readonly reviewedAt: string;
  readonly signature: Pick<SignatureFact, "certificateSerial"> | undefined;
}

export interface PrescriptionDispensedFact {
  readonly type: "PrescriptionDispensed";
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly institutionId: string;
  readonly pharmacyId: string;
  readonly pharmacistId: string;
  readonly dispensedAt: string;
}

export interface DeliveryDispatchedFact {
  readonly type: "DeliveryDispatched";
  readonly deliveryId: string;
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly institutionId: string;
  readonly pharmacyId: string;
  readonly carrier: string;
  readonly agreementId: string;
  readonly trackingNumber: string;
  readonly handedOverAt: string;
}

export interface DeliveryStatusChangedFact {
  readonly type: "DeliveryStatusChanged";
  readonly deliveryId: string;
  readonly prescriptionId: string;
  readonly institutionId: string;
  readonly status: string;
  readonly at: string;
}

/** ihp.records.v1.RecordSigned: an outpatient record became SIGNED (REC-04, REC-05). */
export interface RecordSignedFact {
  readonly type: "RecordSigned";
  readonly recordId: string;
  readonly institutionId: string;
  readonly version: number;
  readonly signerId: string;
  readonly cosigned: boolean;
  readonly signedAt: string;
  readonly documentHash: string;
  readonly signatureCertificateSerial: string;
  readonly signatureAlgorithm: string;
}

export type ConsultFact = ConsultStartedFact | ConsultCompletedFact | ConsultTerminatedFact | ConsultRefusedFact;
export type PrescriptionFact =
  | PrescriptionSignedFact
  | PrescriptionVoidedFact
  | PrescriptionReviewedFact
  | PrescriptionDispensedFact;
export type DeliveryFact = DeliveryDispatchedFact | DeliveryStatusChangedFact;

/** Facts about a practitioner, consult, prescription, delivery or medical record (not about the institution itself). */
export type ActivityFact = StaffRecordChangedFact | ConsultFact | PrescriptionFact | DeliveryFact | RecordSignedFact;

/**
 * The feed stream an activity fact is recorded in: one per practitioner, consult, prescription (with its review and
 * dispensing) and delivery. Small streams: deciding reads little, and the four consumers rarely write the same one.
 */
export function activityStreamId(fact: ActivityFact): string {
  switch (fact.type) {
    case "StaffRecordChanged":
      return `reporting-staff-${fact.practitionerId}`;
    case "ConsultStarted":
    case "ConsultCompleted":
    case "ConsultTerminated":
    case "ConsultRefused":
      return `reporting-consult-${fact.consultId}`;
    case "PrescriptionSigned":
    case "PrescriptionVoided":
    case "PrescriptionReviewed":
    case "PrescriptionDispensed":
      return `reporting-prescription-${fact.prescriptionId}`;
    case "DeliveryDispatched":
    case "DeliveryStatusChanged":
      return `reporting-delivery-${fact.deliveryId}`;
    case "RecordSigned":
      return `reporting-record-${fact.recordId}`;
  }
}

/** The id the stream is named by (practitioner, consult, prescription or delivery id). */
export function activitySubjectId(fact: ActivityFact): string {
  switch (fact.type) {
    case "StaffRecordChanged":
      return fact.practitionerId;
    case "ConsultStarted":
    case "ConsultCompleted":
    case "ConsultTerminated":
    case "ConsultRefused":
      return fact.consultId;
    case "PrescriptionSigned":
    case "PrescriptionVoided":
    case "PrescriptionReviewed":
    case "PrescriptionDispensed":
      return fact.prescriptionId;
    case "DeliveryDispatched":
    case "DeliveryStatusChanged":
      return fact.deliveryId;
    case "RecordSigned":
      return fact.recordId;
  }
}

/** The institution the fact names itself; undefined when it names none (a voided prescription). */
export function namedInstitutionId(fact: ActivityFact): string | undefined {
  return fact.type === "PrescriptionVoided" ? undefined : fact.institutionId;
}
