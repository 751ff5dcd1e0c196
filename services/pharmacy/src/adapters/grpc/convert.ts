import { type Prescription, ReviewStatus, reviewStatusFromJSON } from "@ihp/contracts/pharmacy";
import type { PrescriptionView } from "../../application/prescriptionViews.js";
import { signatureToProto } from "../signatures.js";

export function statusToProto(status: PrescriptionView["status"]): ReviewStatus {
  // SIGNED is only ever seen inside one command; the contract has no state for it.
  if (status === "SIGNED") return ReviewStatus.REVIEW_STATUS_UNSPECIFIED;
  return reviewStatusFromJSON(`REVIEW_STATUS_${status}`);
}

export function prescriptionToProto(view: PrescriptionView): Prescription {
  return {
    prescriptionId: view.prescriptionId,
    serialNumber: view.serialNumber,
    version: view.version,
    institutionId: view.institutionId,
    patientId: view.patientId,
    physicianId: view.physicianId,
    consultId: view.consultId,
    status: statusToProto(view.status),
    issuedOn: view.issuedOn,
    validUntil: view.validUntil,
    lines: view.lines.map((line) => ({ ...line })),
    diagnosisCodes: [...view.diagnosisCodes],
    findings: view.findings.map((finding) => ({ ...finding, drugCodes: [...finding.drugCodes] })),
    receivedAt: view.receivedAt,
    reasonCode: view.reasonCode,
    pharmacistId: view.pharmacistId,
    reviewedAt: view.reviewedAt,
    paidAt: view.paidAt,
    dispensedAt: view.dispensedAt,
    delivery: view.delivery === undefined ? undefined : { ...view.delivery },
    revision: BigInt(view.revision),
    pharmacistSignature: view.reviewSignature === undefined ? undefined : signatureToProto(view.reviewSignature),
  };
}
