import { ConsultCompleted, ConsultRefused, ConsultStarted, ConsultTerminated } from "@ihp/contracts/consult";
import { Profession, type Signature, SignatureAlgorithm, StaffRecordChanged } from "@ihp/contracts/identity";
import {
  DeliveryDispatched,
  DeliveryStatusChanged,
  PrescriptionDispensed,
  PrescriptionReviewed,
  ReviewOutcome,
} from "@ihp/contracts/pharmacy";
import { PrescriptionSigned, PrescriptionVoided } from "@ihp/contracts/prescription";
import type { BusMessage } from "@ihp/messaging";
import { contextMessage, type EnvelopeOptions } from "./identityEvents.js";

// The staff, consult, prescription and pharmacy integration events as their relays publish them, built by hand from
// the contracts (the tests must not depend on the producers' code). Each carries what the regulator must NOT get —
// the signed document, signature bytes, diagnosis names, a free-text void reason, the patient's birth date — so the
// tests can check it stays out of the feed.

/** Values that must never appear in the feed (or, for the first two, anywhere in the logs). */
export const SECRETS = {
  idNumber: "11010519491231002X",
  staffName: "李医生",
  canonicalDocument: '{"patient":"张三","allergy":"青霉素过敏"}',
  signatureValue: "3045022100deadbeefdeadbeef",
  diagnosisName: "2型糖尿病",
  voidReason: "医生手误，剂量写错",
  patientBirthDate: "1961-04-02",
  dose: "137.5",
} as const;

export function staffRecordChanged(institutionId: string, overrides: Partial<StaffRecordChanged> = {}, options?: EnvelopeOptions): BusMessage {
  const record: StaffRecordChanged = {
    practitionerId: "prac-1",
    institutionId,
    change: "ENABLED",
    profession: Profession.PROFESSION_PHYSICIAN,
    name: SECRETS.staffName,
    idNumber: SECRETS.idNumber,
    practiceLicenceNumber: "110120000012345",
    title: "主治医师",
    scopeCodes: ["内科专业"],
    departmentCodes: ["03.07"],
    mainInstitutionName: "天津市第一中心医院",
    practiceStartedOn: "2015-07-01",
    photoHash: "a".repeat(64),
    active: true,
    ...overrides,
  };
  return contextMessage("identity", "StaffRecordChanged", StaffRecordChanged.encode(record).finish(), options);
}

export function consultStarted(institutionId: string, consultId = "consult-1", options?: EnvelopeOptions): BusMessage {
  const payload = ConsultStarted.encode({
    consultId,
    institutionId,
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
    patientId: "patient-1",
    physicianId: "prac-1",
    startedAt: "2026-03-02T09:00:00.000Z",
    priorRecordId: "offline-rec-9",
  }).finish();
  return contextMessage("consult", "ConsultStarted", payload, options);
}

export function consultCompleted(institutionId: string, consultId = "consult-1", options?: EnvelopeOptions): BusMessage {
  const payload = ConsultCompleted.encode({
    consultId,
    institutionId,
    physicianId: "prac-1",
    completedAt: "2026-03-02T09:20:00.000Z",
    diagnoses: [{ code: "E11.9", name: SECRETS.diagnosisName, version: "ICD-10 国家临床版 2.0" }],
    summaryHash: "b".repeat(64),
  }).finish();
  return contextMessage("consult", "ConsultCompleted", payload, options);
}

export function consultTerminated(institutionId: string, consultId = "consult-2", options?: EnvelopeOptions): BusMessage {
  const payload = ConsultTerminated.encode({
    consultId,
    institutionId,
    physicianId: "prac-1",
    reasonCode: "SUSPECTED_EMERGENCY",
    terminatedAt: "2026-03-02T10:05:00.000Z",
    referredOffline: true,
  }).finish();
  return contextMessage("consult", "ConsultTerminated", payload, options);
}

export function consultRefused(institutionId: string, consultId = "consult-3", options?: EnvelopeOptions): BusMessage {
  const payload = ConsultRefused.encode({
    consultId,
    institutionId,
    reasonCode: "FIRST_VISIT_NOT_ALLOWED",
    refusedAt: "2026-03-02T11:00:00.000Z",
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
  }).finish();
  return contextMessage("consult", "ConsultRefused", payload, options);
}

function signature(profession: Profession): Signature {
  return {
    signerId: "prac-1",
    signerProfession: profession,
    certificateSerial: "CERT-0001",
    algorithm: SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3,
    value: Buffer.from(SECRETS.signatureValue, "utf8"),
    signedAt: "2026-03-02T09:18:00.000Z",
    documentHash: Buffer.from("c".repeat(32), "utf8"),
  };
}

export function prescriptionSigned(
  institutionId: string,
  overrides: Partial<PrescriptionSigned> = {},
  options?: EnvelopeOptions,
): BusMessage {
  const payload = PrescriptionSigned.encode({
    prescriptionId: "rx-1",
    serialNumber: "RX-2026-000001",
    version: 1,
    predecessorSerialNumber: "",
    consultId: "consult-1",
    institutionId,
    // A producer's own jurisdiction claim: the feed routes by the institution's registration instead.
    jurisdiction: "guangxi",
    patientId: "patient-1",
    physicianId: "prac-1",
    issuedOn: "2026-03-02",
    validUntil: "2026-03-04",
    lines: [
      {
        drugCode: "86900123000012",
        approvedName: "二甲双胍缓释片",
        form: "TABLET",
        strength: "0.5g",
        dose: SECRETS.dose,
        doseUnit: "mg",
        route: "PO",
        frequency: "BID",
        daysSupply: 28,
        quantity: "2",
        quantityUnit: "盒",
      },
    ],
    diagnosisCodes: ["E11.9"],
    extensionReason: "",
    longTerm: false,
    canonicalDocument: Buffer.from(SECRETS.canonicalDocument, "utf8"),
    signature: signature(Profession.PROFESSION_PHYSICIAN),
    patientBirthDate: SECRETS.patientBirthDate,
    patientSex: "F",
    ...overrides,
  }).finish();
  return contextMessage("prescription", "PrescriptionSigned", payload, options);
}

export function prescriptionVoided(prescriptionId = "rx-1", options?: EnvelopeOptions): BusMessage {
  const payload = PrescriptionVoided.encode({
    prescriptionId,
    serialNumber: "RX-2026-000001",
    reason: SECRETS.voidReason,
    voidedAt: "2026-03-02T09:30:00.000Z",
    // Ignored by the feed on purpose: the institution comes from the feed's own records of the prescription.
    institutionId: "institution-claimed-by-producer",
  }).finish();
  return contextMessage("prescription", "PrescriptionVoided", payload, options);
}

export function prescriptionReviewed(institutionId: string, options?: EnvelopeOptions): BusMessage {
  const payload = PrescriptionReviewed.encode({
    prescriptionId: "rx-1",
    serialNumber: "RX-2026-000001",
    institutionId,
    outcome: ReviewOutcome.REVIEW_OUTCOME_RETURNED,
    reasonCode: "DOSE_TOO_HIGH",
    pharmacistId: "pharm-1",
    reviewedAt: "2026-03-02T09:40:00.000Z",
    signature: { ...signature(Profession.PROFESSION_PHARMACIST), signerId: "pharm-1", certificateSerial: "CERT-0002" },
  }).finish();
  return contextMessage("pharmacy", "PrescriptionReviewed", payload, options);
}

export function prescriptionDispensed(institutionId: string, options?: EnvelopeOptions): BusMessage {
  const payload = PrescriptionDispensed.encode({
    prescriptionId: "rx-1",
    serialNumber: "RX-2026-000001",
    institutionId,
    pharmacyId: "pharmacy-1",
    pharmacistId: "pharm-1",
    dispensedAt: "2026-03-02T10:00:00.000Z",
  }).finish();
  return contextMessage("pharmacy", "PrescriptionDispensed", payload, options);
}

export function deliveryDispatched(institutionId: string, options?: EnvelopeOptions): BusMessage {
  const payload = DeliveryDispatched.encode({
    deliveryId: "delivery-1",
    prescriptionId: "rx-1",
    serialNumber: "RX-2026-000001",
    institutionId,
    pharmacyId: "pharmacy-1",
    carrier: "SF_EXPRESS",
    agreementId: "AGR-2026-7",
    trackingNumber: "SF1234567890",
    handedOverAt: "2026-03-02T11:00:00.000Z",
  }).finish();
  return contextMessage("pharmacy", "DeliveryDispatched", payload, options);
}

export function deliveryStatusChanged(institutionId: string, options?: EnvelopeOptions): BusMessage {
  const payload = DeliveryStatusChanged.encode({
    deliveryId: "delivery-1",
    prescriptionId: "rx-1",
    institutionId,
    status: "DELIVERED",
    at: "2026-03-03T15:00:00.000Z",
  }).finish();
  return contextMessage("pharmacy", "DeliveryStatusChanged", payload, options);
}
