import type { Prescription as PrescriptionMessage, PrescriptionContent } from "@ihp/contracts/prescription";
import type { ContentInput } from "../../domain/prescriptions/index.js";
import type { PrescriptionView } from "../../application/prescriptionEvents.js";
import { beijingDay } from "@ihp/jurisdiction";
import { missingAttestations, needsPatientConfirmation, profileFor } from "../../domain/prescriptions/index.js";

export function contentFromProto(content: PrescriptionContent | undefined): ContentInput {
  return {
    lines: (content?.lines ?? []).map((line) => ({
      drugCode: line.drugCode,
      approvedName: line.approvedName,
      dose: line.dose,
      doseUnit: line.doseUnit,
      route: line.route,
      frequency: line.frequency,
      daysSupply: line.daysSupply,
      quantity: line.quantity,
      quantityUnit: line.quantityUnit,
      instructions: line.instructions,
    })),
    diagnosisCodes: [...(content?.diagnosisCodes ?? [])],
    emergency: content?.emergency ?? false,
    extensionReason: content?.extensionReason ?? "",
    longTerm: content?.longTerm ?? false,
    assessmentNote: content?.assessmentNote ?? "",
    patientWeightKg: content?.patientWeightKg ?? 0,
    guardianPresent: content?.guardianPresent ?? false,
    accompanyingPhysicianPresent: content?.accompanyingPhysicianPresent ?? false,
  };
}

export function prescriptionToProto(view: PrescriptionView, now: Date): PrescriptionMessage {
  const p = view.prescription;
  const profile = profileFor(p.consult.jurisdiction, now);
  return {
    prescriptionId: p.prescriptionId,
    consultId: p.consult.consultId,
    institutionId: p.consult.institutionId,
    patientId: p.consult.patientId,
    physicianId: p.consult.physicianId,
    version: p.version,
    status: p.status,
    reviewStatus: p.review,
    reviewReasonCode: p.reviewReasonCode,
    serialNumber: p.signed?.serialNumber ?? "",
    predecessorSerialNumber: p.signed?.predecessorSerialNumber ?? p.lastSerialNumber,
    issuedOn: p.signed?.issuedOn ?? "",
    validUntil: p.signed?.validUntil ?? "",
    lines: p.content.lines.map((line) => ({
      lineId: line.lineId,
      line: {
        drugCode: line.drugCode,
        approvedName: line.approvedName,
        form: line.form,
        strength: line.strength,
        dose: String(line.dose),
        doseUnit: line.doseUnit,
        route: line.route,
        frequency: line.frequency,
        daysSupply: line.daysSupply,
        quantity: String(line.quantity),
        quantityUnit: line.quantityUnit,
      },
      proposedByKind: line.proposedBy.kind,
      confirmedBy: line.confirmedBy,
      instructions: line.instructions,
    })),
    diagnosisCodes: [...p.content.diagnosisCodes],
    emergency: p.content.emergency,
    extensionReason: p.content.extensionReason,
    longTerm: p.content.longTerm,
    longTermConfirmed: p.longTermConfirmed,
    // The same question signing asks (RX-08); without a profile in effect nothing can be signed, so nothing is asked.
    longTermConfirmationNeeded: "settings" in profile && needsPatientConfirmation(profile, p.content) && !p.longTermConfirmed,
    revision: BigInt(view.revision),
    // Only while it can still be signed: a signed or voided version has nothing left to attest.
    missingAttestations: p.status === "DRAFT" && "settings" in profile ? missingAttestations(profile, p.consult, p.content, beijingDay(now)) : [],
  };
}
