import { type Signature, signatureAlgorithmToJSON } from "@ihp/contracts/identity";
import {
  type ApprovePrescriptionRequest,
  type CancelShiftRequest,
  type Delivery,
  type DispatchDeliveryRequest,
  type DispensePrescriptionRequest,
  type GetReviewCoverageResponse,
  type OrderLine,
  type Prescription,
  type RecordPaymentRequest,
  type RejectPrescriptionRequest,
  type ReturnPrescriptionRequest,
  type ReviewStatus,
  reviewStatusToJSON,
  type ScheduleShiftRequest,
  type ScreeningFinding,
  type Shift,
  type StreamReviewQueueResponse,
  type SyncDeliveryTrackingRequest,
} from "@ihp/contracts/pharmacy";
import type { PrescriptionLine } from "@ihp/contracts/prescription";
import { GatewayError } from "../../errors/gatewayError.js";

const REVIEW_STATUSES = ["SIGNATURE_INVALID", "UNDER_REVIEW", "APPROVED", "RETURNED", "REJECTED", "VOIDED"] as const;
const SEVERITIES = ["INFO", "WARNING", "CRITICAL"] as const;
const DELIVERY_STATUSES = ["DISPATCHED", "IN_TRANSIT", "DELIVERED", "FAILED", "RETURNED"] as const;
const QUEUE_CHANGES = ["SNAPSHOT", "ADDED", "REMOVED"] as const;

export type ReviewStatusName = (typeof REVIEW_STATUSES)[number];
export type SeverityName = (typeof SEVERITIES)[number];
export type DeliveryStatusName = (typeof DELIVERY_STATUSES)[number];
export type QueueChangeKind = (typeof QUEUE_CHANGES)[number];

/** A name the schema's enum has, or null: the nullable enum fields exist for values added after this gateway. */
function known<T extends string>(names: readonly T[], value: string): T | null {
  return (names as readonly string[]).includes(value) ? (value as T) : null;
}

/** The service leaves "not yet" fields empty; the schema says null. */
function orNull(value: string): string | null {
  return value === "" ? null : value;
}

export function reviewStatusName(status: ReviewStatus): ReviewStatusName | null {
  return known(REVIEW_STATUSES, reviewStatusToJSON(status).replace(/^REVIEW_STATUS_/, ""));
}

/** GraphQL type PharmacyPrescriptionLine. */
export interface PrescriptionLineView {
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
}

/** GraphQL type PharmacyScreeningFinding. */
export interface FindingView {
  readonly code: string;
  readonly severity: SeverityName | null;
  readonly drugCodes: readonly string[];
  readonly detail: string;
}

/** GraphQL type PharmacyDelivery. */
export interface DeliveryView {
  readonly deliveryId: string;
  readonly carrier: string;
  readonly agreementId: string;
  readonly trackingNumber: string;
  readonly handedOverAt: string;
  readonly status: DeliveryStatusName | null;
  readonly statusAt: string;
}

/** GraphQL type PharmacyPrescription. */
export interface PharmacyPrescriptionView {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly version: number;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly consultId: string | null;
  readonly status: ReviewStatusName | null;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly lines: readonly PrescriptionLineView[];
  readonly diagnosisCodes: readonly string[];
  readonly findings: readonly FindingView[];
  readonly receivedAt: string;
  readonly reasonCode: string | null;
  readonly pharmacistId: string | null;
  readonly reviewedAt: string | null;
  readonly pharmacistSignature: PharmacistSignatureView | null;
  readonly paidAt: string | null;
  readonly dispensedAt: string | null;
  readonly delivery: DeliveryView | null;
  readonly revision: string;
}

function lineView(line: PrescriptionLine): PrescriptionLineView {
  return {
    drugCode: line.drugCode,
    approvedName: line.approvedName,
    form: line.form,
    strength: line.strength,
    dose: line.dose,
    doseUnit: line.doseUnit,
    route: line.route,
    frequency: line.frequency,
    daysSupply: line.daysSupply,
    quantity: line.quantity,
    quantityUnit: line.quantityUnit,
  };
}

function findingView(finding: ScreeningFinding): FindingView {
  return { code: finding.code, severity: known(SEVERITIES, finding.severity), drugCodes: finding.drugCodes, detail: finding.detail };
}

function deliveryView(delivery: Delivery): DeliveryView {
  return {
    deliveryId: delivery.deliveryId,
    carrier: delivery.carrier,
    agreementId: delivery.agreementId,
    trackingNumber: delivery.trackingNumber,
    handedOverAt: delivery.handedOverAt,
    status: known(DELIVERY_STATUSES, delivery.status),
    statusAt: delivery.statusAt,
  };
}

export function prescriptionView(prescription: Prescription): PharmacyPrescriptionView {
  return {
    prescriptionId: prescription.prescriptionId,
    serialNumber: prescription.serialNumber,
    version: prescription.version,
    institutionId: prescription.institutionId,
    patientId: prescription.patientId,
    physicianId: prescription.physicianId,
    consultId: prescription.consultId === "" ? null : prescription.consultId,
    status: reviewStatusName(prescription.status),
    issuedOn: prescription.issuedOn,
    validUntil: prescription.validUntil,
    lines: prescription.lines.map(lineView),
    diagnosisCodes: prescription.diagnosisCodes,
    findings: prescription.findings.map(findingView),
    receivedAt: prescription.receivedAt,
    reasonCode: orNull(prescription.reasonCode),
    pharmacistId: orNull(prescription.pharmacistId),
    reviewedAt: orNull(prescription.reviewedAt),
    pharmacistSignature: prescription.pharmacistSignature === undefined ? null : signatureView(prescription.pharmacistSignature),
    paidAt: orNull(prescription.paidAt),
    dispensedAt: orNull(prescription.dispensedAt),
    delivery: prescription.delivery === undefined ? null : deliveryView(prescription.delivery),
    revision: prescription.revision.toString(),
  };
}

/** GraphQL type ReviewCoverage. */
export interface ReviewCoverageView {
  readonly at: string;
  readonly withinBusinessHours: boolean;
  readonly pharmacistsOnDuty: readonly string[];
  readonly gap: boolean;
  readonly expectedReviewAt: string | null;
  readonly expectedDelayMinutes: number | null;
}

export function coverageView(coverage: GetReviewCoverageResponse): ReviewCoverageView {
  return {
    at: coverage.at,
    withinBusinessHours: coverage.withinBusinessHours,
    pharmacistsOnDuty: coverage.pharmacistsOnDuty,
    gap: coverage.gap,
    expectedReviewAt: orNull(coverage.expectedReviewAt),
    // -1 is the contract's "no shift scheduled"; minutes until a shift fit an Int by far.
    expectedDelayMinutes: coverage.expectedDelayMinutes < 0n ? null : Number(coverage.expectedDelayMinutes),
  };
}

/** GraphQL type ReviewShift. */
export interface ShiftView {
  readonly shiftId: string;
  readonly institutionId: string;
  readonly pharmacistId: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

export function shiftView(shift: Shift): ShiftView {
  return { shiftId: shift.shiftId, institutionId: shift.institutionId, pharmacistId: shift.pharmacistId, startsAt: shift.startsAt, endsAt: shift.endsAt };
}

/** GraphQL type ReviewQueueChange. */
export interface QueueChangeView {
  readonly kind: QueueChangeKind;
  readonly item: PharmacyPrescriptionView;
}

/** Null for a change the gateway cannot show (a kind it does not know, or no item): the subscriber skips it. */
export function queueChangeView(change: StreamReviewQueueResponse): QueueChangeView | null {
  const kind = known(QUEUE_CHANGES, change.kind);
  if (kind === null || change.item === undefined) return null;
  return { kind, item: prescriptionView(change.item) };
}

// Inputs, as graphql-js hands them over after coercing them against the schema.

export interface VersionInput {
  readonly requestId: string;
  readonly prescriptionId: string;
  readonly serialNumber: string;
}

export interface ReasonInput extends VersionInput {
  readonly reasonCode: string;
}

export interface PaymentInput extends VersionInput {
  readonly paymentReference: string;
  readonly amountFen: number;
}

export interface DispenseInput extends VersionInput {
  readonly pharmacyId?: string | null;
}

export interface DispatchInput extends VersionInput {
  readonly destinationReference: string;
}

export interface ScheduleShiftInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly pharmacistId: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

export interface CancelShiftInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly shiftId: string;
}

export interface OrderLineInput {
  readonly drugCode: string;
  readonly prescriptionId?: string | null;
}

export function versionRequest(input: VersionInput): ApprovePrescriptionRequest & SyncDeliveryTrackingRequest {
  return { requestId: input.requestId, prescriptionId: input.prescriptionId, serialNumber: input.serialNumber };
}

export function reasonRequest(input: ReasonInput): ReturnPrescriptionRequest & RejectPrescriptionRequest {
  return { ...versionRequest(input), reasonCode: input.reasonCode };
}

export function paymentRequest(input: PaymentInput): RecordPaymentRequest {
  // The contract's amount is unsigned: a negative Int cannot even be encoded, so it is the caller's input at fault.
  if (input.amountFen < 0) throw new GatewayError("BAD_USER_INPUT");
  return { ...versionRequest(input), paymentReference: input.paymentReference, amountFen: BigInt(input.amountFen) };
}

export function dispenseRequest(input: DispenseInput): DispensePrescriptionRequest {
  return { ...versionRequest(input), pharmacyId: input.pharmacyId ?? "" };
}

export function dispatchRequest(input: DispatchInput): DispatchDeliveryRequest {
  return { ...versionRequest(input), destinationReference: input.destinationReference };
}

export function scheduleShiftRequest(input: ScheduleShiftInput): ScheduleShiftRequest {
  return { requestId: input.requestId, institutionId: input.institutionId, pharmacistId: input.pharmacistId, startsAt: input.startsAt, endsAt: input.endsAt };
}

export function cancelShiftRequest(input: CancelShiftInput): CancelShiftRequest {
  return { requestId: input.requestId, institutionId: input.institutionId, shiftId: input.shiftId };
}

export function orderLines(lines: readonly OrderLineInput[]): OrderLine[] {
  return lines.map((line) => ({ drugCode: line.drugCode, prescriptionId: line.prescriptionId ?? "" }));
}

/** "" (an over-the-counter line) is null in the schema. */
export function orderSerials(serialNumbers: readonly string[]): (string | null)[] {
  return serialNumbers.map(orNull);
}

export interface PharmacistSignatureView {
  readonly signerId: string;
  readonly certificateSerial: string;
  readonly algorithm: string;
  readonly signedAt: string;
  readonly documentHash: string;
}

function signatureView(signature: Signature): PharmacistSignatureView {
  return {
    signerId: signature.signerId,
    certificateSerial: signature.certificateSerial,
    algorithm: signatureAlgorithmToJSON(signature.algorithm).replace(/^SIGNATURE_ALGORITHM_/, ""),
    signedAt: signature.signedAt,
    documentHash: signature.documentHash.toString("hex"),
  };
}
