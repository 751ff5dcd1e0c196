import { enumValue, unlessEmpty } from "@ihp/contracts";
import {
  MissingAttestation,
  type Prescription as PrescriptionMessage,
  PrescriptionContent,
  PrescriptionLineProposer,
  PrescriptionReviewStatus,
  PrescriptionStatus,
  type PrescriptionSummary as SummaryMessage,
} from "@ihp/contracts/prescription";
import { beijingDay } from "@ihp/jurisdiction";
import type { PrescriptionView } from "../../application/prescriptionEvents.js";
import type { PrescriptionSummary } from "../../application/prescriptionQueries.js";
import type { ContentInput, ReviewStatus } from "../../domain/prescriptions/index.js";
import { missingAttestations, needsPatientConfirmation, profileInEffect } from "../../domain/prescriptions/index.js";
import { lineToProto } from "../lineProto.js";

const PROPOSERS = { human: "HUMAN", service: "SERVICE" } as const;
const status = (name: "DRAFT" | "SIGNED") => enumValue(PrescriptionStatus, "PRESCRIPTION_STATUS_", name);
const reviewStatus = (name: ReviewStatus) => enumValue(PrescriptionReviewStatus, "PRESCRIPTION_REVIEW_STATUS_", name);

export function contentFromProto(content: PrescriptionContent | undefined): ContentInput {
  const { lines, extensionReason, assessmentNote, patientWeightKg, ...flags } = PrescriptionContent.fromPartial(content ?? {});
  return {
    ...flags,
    lines: lines.map((line) => ({ ...line, instructions: line.instructions ?? "" })),
    extensionReason: extensionReason ?? "",
    assessmentNote: assessmentNote ?? "",
    patientWeightKg: patientWeightKg ?? 0,
  };
}

export function prescriptionToProto(view: PrescriptionView, now: Date): PrescriptionMessage {
  const p = view.prescription;
  const profile = profileInEffect(p.consult.jurisdiction, now);
  return {
    prescriptionId: p.prescriptionId,
    consultId: p.consult.consultId,
    institutionId: p.consult.institutionId,
    patientId: p.consult.patientId,
    physicianId: p.consult.physicianId,
    version: p.version,
    status: status(p.status),
    reviewStatus: reviewStatus(p.review),
    reviewReasonCode: unlessEmpty(p.reviewReasonCode),
    serialNumber: p.signed?.serialNumber,
    predecessorSerialNumber: unlessEmpty(p.signed?.predecessorSerialNumber ?? p.lastSerialNumber),
    issuedOn: p.signed?.issuedOn,
    validUntil: p.signed?.validUntil,
    lines: p.content.lines.map(({ proposedBy, confirmedBy, ...line }) => ({
      lineId: line.lineId,
      line: lineToProto(line),
      proposedByKind: enumValue(PrescriptionLineProposer, "PRESCRIPTION_LINE_PROPOSER_", PROPOSERS[proposedBy.kind]),
      confirmedBy: unlessEmpty(confirmedBy),
    })),
    diagnosisCodes: [...p.content.diagnosisCodes],
    emergency: p.content.emergency,
    extensionReason: unlessEmpty(p.content.extensionReason),
    longTerm: p.content.longTerm,
    longTermConfirmed: p.longTermConfirmed,
    // The same question signing asks (RX-08); without a profile in effect nothing can be signed, so nothing is asked.
    longTermConfirmationNeeded: profile !== undefined && needsPatientConfirmation(profile, p.content) && !p.longTermConfirmed,
    revision: BigInt(view.revision),
    // Only while it can still be signed: a signed or voided version has nothing left to attest.
    missingAttestations: (p.status === "DRAFT" && profile !== undefined ? missingAttestations(profile, p.consult, p.content, beijingDay(now)) : []).map((name) =>
      enumValue(MissingAttestation, "MISSING_ATTESTATION_", name),
    ),
  };
}

export function summaryToProto(item: PrescriptionSummary): SummaryMessage {
  return {
    ...item,
    status: status(item.status),
    reviewStatus: reviewStatus(item.reviewStatus),
    serialNumber: unlessEmpty(item.serialNumber),
    issuedOn: unlessEmpty(item.issuedOn),
    validUntil: unlessEmpty(item.validUntil),
    drugNames: [...item.drugNames],
  };
}
