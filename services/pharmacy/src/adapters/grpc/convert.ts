import { enumValue, unlessEmpty } from "@ihp/contracts";
import {
  deliveryStatusFromJSON,
  FindingSeverity,
  type Prescription,
  ReviewQueueChangeKind,
  ReviewStatus,
  type StreamReviewQueueResponse,
} from "@ihp/contracts/pharmacy";
import type { PrescriptionView } from "../../application/prescriptionViews.js";
import type { QueueChange } from "../../application/queries.js";
import { signatureToProto } from "../signatures.js";

export function statusToProto(status: PrescriptionView["status"]): ReviewStatus {
  // SIGNED is only ever seen inside one command; the contract has no state for it.
  return status === "SIGNED" ? ReviewStatus.REVIEW_STATUS_UNSPECIFIED : enumValue(ReviewStatus, "REVIEW_STATUS_", status);
}

export function prescriptionToProto(view: PrescriptionView): Prescription {
  const { status, lines, diagnosisCodes, findings, delivery, revision, reviewSignature, ...fields } = view;
  return {
    ...fields,
    consultId: unlessEmpty(view.consultId),
    reasonCode: unlessEmpty(view.reasonCode),
    pharmacistId: unlessEmpty(view.pharmacistId),
    reviewedAt: unlessEmpty(view.reviewedAt),
    paidAt: unlessEmpty(view.paidAt),
    dispensedAt: unlessEmpty(view.dispensedAt),
    status: statusToProto(status),
    lines: lines.map((line) => ({ ...line })),
    diagnosisCodes: [...diagnosisCodes],
    findings: findings.map((finding) => ({
      ...finding,
      severity: enumValue(FindingSeverity, "FINDING_SEVERITY_", finding.severity),
      drugCodes: [...finding.drugCodes],
    })),
    // The carrier's status: one the contract does not name travels as UNRECOGNIZED.
    delivery: delivery === undefined ? undefined : { ...delivery, status: deliveryStatusFromJSON(`DELIVERY_STATUS_${delivery.status}`) },
    revision: BigInt(revision),
    pharmacistSignature: reviewSignature === undefined ? undefined : signatureToProto(reviewSignature),
  };
}

export function queueChangeToProto(change: QueueChange): StreamReviewQueueResponse {
  return { kind: enumValue(ReviewQueueChangeKind, "REVIEW_QUEUE_CHANGE_KIND_", change.kind), item: prescriptionToProto(change.item) };
}
