import type {
  ConfirmLinesRequest,
  ConfirmLongTermPlanRequest,
  DraftPrescriptionRequest,
  PrescriberDrugTotal,
  Prescription,
  PrescriptionContent,
  PrescriptionLineView as PrescriptionLineMessage,
  PrescriptionSummary,
  RevisePrescriptionRequest,
  SignPrescriptionRequest,
} from "@ihp/contracts/prescription";
import { GatewayError } from "../../errors/gatewayError.js";

// The proto carries these as strings; the GraphQL enums list the values this gateway knows, and an unknown one is null.
const STATUSES = ["DRAFT", "SIGNED"] as const;
const REVIEW_STATUSES = ["NOT_SUBMITTED", "UNDER_REVIEW", "APPROVED", "RETURNED", "REJECTED"] as const;
const PROPOSERS = { human: "HUMAN", service: "SERVICE" } as const;


const MISSING_ATTESTATIONS: ReadonlySet<string> = new Set(["VERIFIED_GUARDIAN", "GUARDIAN_PRESENT", "ACCOMPANYING_PHYSICIAN_PRESENT"]);
export type PrescriptionStatusName = (typeof STATUSES)[number];
export type ReviewStatusName = (typeof REVIEW_STATUSES)[number];
export type ProposerName = (typeof PROPOSERS)[keyof typeof PROPOSERS];

function known<T extends string>(values: readonly T[], value: string): T | null {
  return (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** The proto's "not set" is the empty string; GraphQL says null. */
const orNull = (value: string): string | null => (value === "" ? null : value);

/** GraphQL type PrescriptionLine. */
export interface PrescriptionLineView {
  readonly lineId: string;
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
  readonly instructions: string;
  readonly proposedByKind: ProposerName | null;
  readonly confirmedBy: string | null;
}

/** GraphQL type Prescription. */
export interface PrescriptionView {
  readonly id: string;
  readonly consultId: string;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly version: number;
  readonly status: PrescriptionStatusName | null;
  readonly reviewStatus: ReviewStatusName | null;
  readonly reviewReasonCode: string | null;
  readonly serialNumber: string | null;
  readonly predecessorSerialNumber: string | null;
  readonly issuedOn: string | null;
  readonly validUntil: string | null;
  readonly lines: readonly PrescriptionLineView[];
  readonly diagnosisCodes: readonly string[];
  readonly emergency: boolean;
  readonly extensionReason: string | null;
  readonly longTerm: boolean;
  readonly longTermConfirmed: boolean;
  readonly longTermConfirmationNeeded: boolean;
  readonly missingAttestations: readonly string[];
  readonly revision: string;
}

/** GraphQL type PrescriptionSummary. */
export interface PrescriptionSummaryView {
  readonly id: string;
  readonly consultId: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly version: number;
  readonly status: PrescriptionStatusName | null;
  readonly reviewStatus: ReviewStatusName | null;
  readonly serialNumber: string | null;
  readonly issuedOn: string | null;
  readonly validUntil: string | null;
  readonly drugNames: readonly string[];
  readonly updatedAt: string;
}

/** GraphQL type PrescribingStatistics. */
export interface PrescribingStatisticsView {
  readonly queryId: string;
  readonly totals: readonly PrescriberDrugTotal[];
}

export function prescriptionView(p: Prescription): PrescriptionView {
  return {
    id: p.prescriptionId,
    consultId: p.consultId,
    institutionId: p.institutionId,
    patientId: p.patientId,
    physicianId: p.physicianId,
    version: p.version,
    status: known(STATUSES, p.status),
    reviewStatus: known(REVIEW_STATUSES, p.reviewStatus),
    reviewReasonCode: orNull(p.reviewReasonCode),
    serialNumber: orNull(p.serialNumber),
    predecessorSerialNumber: orNull(p.predecessorSerialNumber),
    issuedOn: orNull(p.issuedOn),
    validUntil: orNull(p.validUntil),
    lines: p.lines.map(lineView),
    diagnosisCodes: p.diagnosisCodes,
    emergency: p.emergency,
    extensionReason: orNull(p.extensionReason),
    longTerm: p.longTerm,
    longTermConfirmed: p.longTermConfirmed,
    longTermConfirmationNeeded: p.longTermConfirmationNeeded,
    // Names the service knows and this gateway does not are left out rather than failing the whole prescription.
    missingAttestations: p.missingAttestations.filter((name) => MISSING_ATTESTATIONS.has(name)),
    revision: p.revision.toString(),
  };
}

function lineView(view: PrescriptionLineMessage): PrescriptionLineView {
  const line = view.line;
  return {
    lineId: view.lineId,
    drugCode: line?.drugCode ?? "",
    approvedName: line?.approvedName ?? "",
    form: line?.form ?? "",
    strength: line?.strength ?? "",
    dose: line?.dose ?? "",
    doseUnit: line?.doseUnit ?? "",
    route: line?.route ?? "",
    frequency: line?.frequency ?? "",
    daysSupply: line?.daysSupply ?? 0,
    quantity: line?.quantity ?? "",
    quantityUnit: line?.quantityUnit ?? "",
    instructions: view.instructions,
    proposedByKind: view.proposedByKind in PROPOSERS ? PROPOSERS[view.proposedByKind as keyof typeof PROPOSERS] : null,
    confirmedBy: orNull(view.confirmedBy),
  };
}

export function prescriptionSummaryView(s: PrescriptionSummary): PrescriptionSummaryView {
  return {
    id: s.prescriptionId,
    consultId: s.consultId,
    patientId: s.patientId,
    physicianId: s.physicianId,
    version: s.version,
    status: known(STATUSES, s.status),
    reviewStatus: known(REVIEW_STATUSES, s.reviewStatus),
    serialNumber: orNull(s.serialNumber),
    issuedOn: orNull(s.issuedOn),
    validUntil: orNull(s.validUntil),
    drugNames: s.drugNames,
    updatedAt: s.updatedAt,
  };
}

// Inputs, as graphql-js hands them over after coercing them against the schema (defaults applied; optional
// fields absent or null).

export interface PrescriptionLineInput {
  readonly drugCode: string;
  readonly approvedName?: string | null;
  readonly dose: number;
  readonly doseUnit: string;
  readonly route: string;
  readonly frequency: string;
  readonly daysSupply: number;
  readonly quantity: number;
  readonly quantityUnit: string;
  readonly instructions?: string | null;
}

export interface PrescriptionContentInput {
  readonly lines: readonly PrescriptionLineInput[];
  readonly diagnosisCodes: readonly string[];
  readonly emergency?: boolean | null;
  readonly extensionReason?: string | null;
  readonly longTerm?: boolean | null;
  readonly assessmentNote?: string | null;
  readonly patientWeightKg?: number | null;
  readonly guardianPresent?: boolean | null;
  readonly accompanyingPhysicianPresent?: boolean | null;
}

export interface DraftPrescriptionInput {
  readonly requestId: string;
  readonly consultId: string;
  readonly content: PrescriptionContentInput;
}

export interface RevisePrescriptionInput {
  readonly requestId: string;
  readonly prescriptionId: string;
  readonly content: PrescriptionContentInput;
}

export interface ConfirmPrescriptionLinesInput {
  readonly requestId: string;
  readonly prescriptionId: string;
  readonly version: number;
  readonly lineIds: readonly string[];
}

export interface ConfirmLongTermPlanInput {
  readonly requestId: string;
  readonly prescriptionId: string;
  readonly version: number;
}

export interface SignPrescriptionInput {
  readonly requestId: string;
  readonly prescriptionId: string;
  readonly version: number;
  readonly validityDays?: number | null;
}

export interface PrescribingStatisticsInput {
  readonly institutionId: string;
  readonly purpose: string;
}

/**
 * GraphQL Int is signed; the proto fields are uint32, where a negative value would wrap into a huge one and be
 * refused for the wrong reason (or not at all). Zero passes: the service answers it with its own precise code.
 */
function unsigned(value: number): number {
  if (value < 0) throw new GatewayError("BAD_USER_INPUT");
  return value;
}

function contentRequest(content: PrescriptionContentInput): PrescriptionContent {
  return {
    lines: content.lines.map((line) => ({
      drugCode: line.drugCode,
      approvedName: line.approvedName ?? "",
      dose: line.dose,
      doseUnit: line.doseUnit,
      route: line.route,
      frequency: line.frequency,
      daysSupply: unsigned(line.daysSupply),
      quantity: line.quantity,
      quantityUnit: line.quantityUnit,
      instructions: line.instructions ?? "",
    })),
    diagnosisCodes: [...content.diagnosisCodes],
    emergency: content.emergency ?? false,
    extensionReason: content.extensionReason ?? "",
    longTerm: content.longTerm ?? false,
    assessmentNote: content.assessmentNote ?? "",
    patientWeightKg: content.patientWeightKg ?? 0,
    guardianPresent: content.guardianPresent ?? false,
    accompanyingPhysicianPresent: content.accompanyingPhysicianPresent ?? false,
  };
}

export function draftRequest(input: DraftPrescriptionInput): DraftPrescriptionRequest {
  return { requestId: input.requestId, consultId: input.consultId, content: contentRequest(input.content) };
}

export function reviseRequest(input: RevisePrescriptionInput): RevisePrescriptionRequest {
  return { requestId: input.requestId, prescriptionId: input.prescriptionId, content: contentRequest(input.content) };
}

export function confirmLinesRequest(input: ConfirmPrescriptionLinesInput): ConfirmLinesRequest {
  return { requestId: input.requestId, prescriptionId: input.prescriptionId, version: unsigned(input.version), lineIds: [...input.lineIds] };
}

export function confirmLongTermPlanRequest(input: ConfirmLongTermPlanInput): ConfirmLongTermPlanRequest {
  return { requestId: input.requestId, prescriptionId: input.prescriptionId, version: unsigned(input.version) };
}

export function signRequest(input: SignPrescriptionInput): SignPrescriptionRequest {
  return {
    requestId: input.requestId,
    prescriptionId: input.prescriptionId,
    version: unsigned(input.version),
    validityDays: unsigned(input.validityDays ?? 1),
  };
}
