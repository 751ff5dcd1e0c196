import { enumName } from "@ihp/contracts";
import {
  type ConfirmLinesRequest,
  type ConfirmLongTermPlanRequest,
  type DraftPrescriptionRequest,
  type Prescription,
  PrescriptionContent,
  PrescriptionLine,
  type PrescriptionLineView,
  type PrescriptionSummary,
  type RevisePrescriptionRequest,
  type SignPrescriptionRequest,
} from "@ihp/contracts/prescription";
import type * as Gql from "../../gen/graphql.js";
import { absentAsNull, nullAsAbsent } from "../../grpc/optionals.js";
import { unsigned } from "../../grpc/unsigned.js";

export function prescriptionView(p: Prescription): Gql.Prescription {
  const { prescriptionId, status, reviewStatus, lines, missingAttestations, revision, ...fields } = p;
  return {
    ...absentAsNull(fields),
    id: prescriptionId,
    status: enumName("PRESCRIPTION_STATUS_", status),
    reviewStatus: enumName("PRESCRIPTION_REVIEW_STATUS_", reviewStatus),
    lines: lines.map(lineView),
    // Values the service knows and this gateway does not are left out rather than failing the whole prescription.
    missingAttestations: missingAttestations.flatMap((value) => enumName("MISSING_ATTESTATION_", value) ?? []),
    revision: revision.toString(),
  };
}

function lineView({ lineId, line, proposedByKind, confirmedBy }: PrescriptionLineView): Gql.PrescriptionLine {
  return {
    ...absentAsNull(PrescriptionLine.fromPartial(line ?? {})),
    lineId,
    proposedByKind: enumName("PRESCRIPTION_LINE_PROPOSER_", proposedByKind),
    confirmedBy: confirmedBy ?? null,
  };
}

export function prescriptionSummaryView(summary: PrescriptionSummary): Gql.PrescriptionSummary {
  const { prescriptionId, status, reviewStatus, ...fields } = summary;
  return {
    ...absentAsNull(fields),
    id: prescriptionId,
    status: enumName("PRESCRIPTION_STATUS_", status),
    reviewStatus: enumName("PRESCRIPTION_REVIEW_STATUS_", reviewStatus),
  };
}


// Inputs as graphql-js hands them over (defaults applied); an optional field left out may still arrive as null,
// which the proto's optional fields say as absent.

function contentRequest(content: Gql.PrescriptionContentInput): PrescriptionContent {
  // The contract's line carries dose and quantity as decimal text, for the service to judge. Booleans left out are false.
  const lines = content.lines.map((line) => ({ ...nullAsAbsent(line), dose: String(line.dose), daysSupply: unsigned(line.daysSupply), quantity: String(line.quantity) }));
  return PrescriptionContent.fromPartial({ ...nullAsAbsent(content), lines, diagnosisCodes: [...content.diagnosisCodes] });
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
