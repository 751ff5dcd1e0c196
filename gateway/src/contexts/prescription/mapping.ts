import { enumName } from "@ihp/contracts";
import {
  type ConfirmLinesRequest,
  type ConfirmLongTermPlanRequest,
  type DraftPrescriptionRequest,
  type Prescription,
  type PrescriptionContent,
  PrescriptionLine,
  type PrescriptionLineView,
  type PrescriptionSummary,
  type RevisePrescriptionRequest,
  type SignPrescriptionRequest,
} from "@ihp/contracts/prescription";
import { GatewayError } from "../../errors/gatewayError.js";
import type * as Gql from "../../gen/graphql.js";

export function prescriptionView(p: Prescription): Gql.Prescription {
  const { prescriptionId, status, reviewStatus, lines, missingAttestations, revision, ...fields } = p;
  return {
    ...fields,
    id: prescriptionId,
    status: enumName("PRESCRIPTION_STATUS_", status),
    reviewStatus: enumName("PRESCRIPTION_REVIEW_STATUS_", reviewStatus),
    reviewReasonCode: p.reviewReasonCode ?? null,
    serialNumber: p.serialNumber ?? null,
    predecessorSerialNumber: p.predecessorSerialNumber ?? null,
    issuedOn: p.issuedOn ?? null,
    validUntil: p.validUntil ?? null,
    extensionReason: p.extensionReason ?? null,
    lines: lines.map(lineView),
    // Values the service knows and this gateway does not are left out rather than failing the whole prescription.
    missingAttestations: missingAttestations.flatMap((value) => enumName("MISSING_ATTESTATION_", value) ?? []),
    revision: revision.toString(),
  };
}

function lineView({ lineId, line, proposedByKind, confirmedBy }: PrescriptionLineView): Gql.PrescriptionLine {
  const { instructions, ...fields } = PrescriptionLine.fromPartial(line ?? {});
  return {
    ...fields,
    lineId,
    instructions: instructions ?? null,
    proposedByKind: enumName("PRESCRIPTION_LINE_PROPOSER_", proposedByKind),
    confirmedBy: confirmedBy ?? null,
  };
}

export function prescriptionSummaryView(summary: PrescriptionSummary): Gql.PrescriptionSummary {
  const { prescriptionId, status, reviewStatus, ...fields } = summary;
  return {
    ...fields,
    id: prescriptionId,
    status: enumName("PRESCRIPTION_STATUS_", status),
    reviewStatus: enumName("PRESCRIPTION_REVIEW_STATUS_", reviewStatus),
    serialNumber: summary.serialNumber ?? null,
    issuedOn: summary.issuedOn ?? null,
    validUntil: summary.validUntil ?? null,
  };
}

/**
 * GraphQL Int is signed; the proto fields are uint32, where a negative value would wrap into a huge one and be
 * refused for the wrong reason (or not at all). Zero passes: the service answers it with its own precise code.
 */
function unsigned(value: number): number {
  if (value < 0) throw new GatewayError("BAD_USER_INPUT");
  return value;
}

// Inputs as graphql-js hands them over (defaults applied); an optional field left out may still arrive as null,
// which the proto's optional fields say as absent.

function contentRequest(content: Gql.PrescriptionContentInput): PrescriptionContent {
  return {
    // The contract's line carries dose and quantity as decimal text; the service judges them.
    lines: content.lines.map((line) =>
      PrescriptionLine.fromPartial({
        ...line,
        approvedName: line.approvedName ?? undefined,
        dose: String(line.dose),
        daysSupply: unsigned(line.daysSupply),
        quantity: String(line.quantity),
        instructions: line.instructions ?? undefined,
      }),
    ),
    diagnosisCodes: [...content.diagnosisCodes],
    emergency: content.emergency ?? false,
    extensionReason: content.extensionReason ?? undefined,
    longTerm: content.longTerm ?? false,
    assessmentNote: content.assessmentNote ?? undefined,
    patientWeightKg: content.patientWeightKg ?? undefined,
    guardianPresent: content.guardianPresent ?? false,
    accompanyingPhysicianPresent: content.accompanyingPhysicianPresent ?? false,
  };
}

export function draftRequest(input: Gql.DraftPrescriptionInput): DraftPrescriptionRequest {
  return { ...input, content: contentRequest(input.content) };
}

export function reviseRequest(input: Gql.RevisePrescriptionInput): RevisePrescriptionRequest {
  return { ...input, content: contentRequest(input.content) };
}

export function confirmLinesRequest(input: Gql.ConfirmPrescriptionLinesInput): ConfirmLinesRequest {
  return { ...input, version: unsigned(input.version), lineIds: [...input.lineIds] };
}

export function confirmLongTermPlanRequest(input: Gql.ConfirmLongTermPlanInput): ConfirmLongTermPlanRequest {
  return { ...input, version: unsigned(input.version) };
}

export function signRequest(input: Gql.SignPrescriptionInput): SignPrescriptionRequest {
  return { ...input, version: unsigned(input.version), validityDays: unsigned(input.validityDays ?? 1) };
}
