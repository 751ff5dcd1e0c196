import { PrescriptionSigned, PrescriptionVoided } from "@ihp/contracts/prescription";
import { PrescriptionReviewed, ReviewOutcome } from "@ihp/contracts/pharmacy";
import type { StoredEvent } from "@ihp/eventsourcing";
import { type BusMessage, decodeEnvelope, type DeliveredMessage, envelopedMessage } from "@ihp/messaging";
import { toPrescriptionEvent } from "../../application/prescriptionEvents.js";
import type { PrescriptionCommands } from "../../application/prescriptionCommands.js";
import { type DocumentLine, isPrescriptionEventType, type ReviewOutcome as Outcome } from "../../domain/prescriptions/index.js";
import { lineToProto } from "../lineProto.js";
import { signatureToProto } from "../signatureProto.js";

export const PRESCRIPTION_CONTEXT = "prescription";
const PROTO_PACKAGE = "ihp.prescription.v1";

/**
 * The relay's mapping: PrescriptionSigned (the whole canonical document and the signature, so pharmacy verifies over
 * the same bytes) and PrescriptionVoided leave the service; drafts, confirmations and audit records stay private.
 */
export function prescriptionEventMessage(stored: StoredEvent): BusMessage | null {
  if (!isPrescriptionEventType(stored.type)) return null;
  const event = toPrescriptionEvent(stored);
  let bytes: Uint8Array;
  switch (event.type) {
    case "PrescriptionSigned": {
      const { data } = event;
      const document = JSON.parse(data.canonicalDocument) as {
        consultId: string;
        institutionId: string;
        jurisdiction: string;
        physicianId: string;
        patient: { patientId: string; birthDate: string; sex: string };
        diagnoses: { code: string }[];
        lines: DocumentLine[];
        extensionReason: string;
        longTerm: boolean;
      };
      const message: PrescriptionSigned = {
        prescriptionId: data.prescriptionId,
        serialNumber: data.serialNumber,
        version: data.version,
        predecessorSerialNumber: data.predecessorSerialNumber,
        consultId: document.consultId,
        institutionId: document.institutionId,
        jurisdiction: document.jurisdiction,
        patientId: document.patient.patientId,
        physicianId: document.physicianId,
        issuedOn: data.issuedOn,
        validUntil: data.validUntil,
        // The instructions stay in the canonical document beside it.
        lines: document.lines.map((line) => ({ ...lineToProto(line), instructions: undefined })),
        diagnosisCodes: document.diagnoses.map((d) => d.code),
        extensionReason: document.extensionReason,
        longTerm: document.longTerm,
        canonicalDocument: Buffer.from(data.canonicalDocument, "utf8"),
        signature: signatureToProto(data.signature),
        patientBirthDate: document.patient.birthDate,
        patientSex: document.patient.sex,
      };
      bytes = PrescriptionSigned.encode(message).finish();
      break;
    }
    case "PrescriptionVoided": {
      const { prescriptionId, serialNumber, reason, at } = event.data;
      bytes = PrescriptionVoided.encode({ prescriptionId, serialNumber, reason, voidedAt: at, institutionId: stored.metadata.tenantId }).finish();
      break;
    }
    default:
      return null;
  }
  return envelopedMessage(stored, {
    subject: `${PROTO_PACKAGE}.${event.type}`,
    type: event.type,
    contentType: `application/x-protobuf; proto=${PROTO_PACKAGE}.${event.type}`,
    payload: bytes,
  });
}

export const REVIEW_SUBJECT = "ihp.pharmacy.v1.PrescriptionReviewed";

const OUTCOMES: ReadonlyMap<ReviewOutcome, Outcome> = new Map([
  [ReviewOutcome.REVIEW_OUTCOME_APPROVED, "APPROVED"],
  [ReviewOutcome.REVIEW_OUTCOME_RETURNED, "RETURNED"],
  [ReviewOutcome.REVIEW_OUTCOME_REJECTED, "REJECTED"],
]);

/**
 * Consumes pharmacy's PrescriptionReviewed. Idempotent: the message id is the command's request id, so a redelivery
 * finds its earlier event in the same stream and appends nothing. Messages of other types on the subject are acked.
 */
export function reviewOutcomeHandler(commands: PrescriptionCommands): (message: DeliveredMessage) => Promise<void> {
  return async (message) => {
    if (message.subject !== REVIEW_SUBJECT) return;
    const { envelope } = decodeEnvelope(message);
    const reviewed = PrescriptionReviewed.decode(envelope.payload);
    const outcome = OUTCOMES.get(reviewed.outcome);
    if (outcome === undefined) return;
    await commands.recordReviewOutcome({
      messageId: message.id,
      prescriptionId: reviewed.prescriptionId,
      serialNumber: reviewed.serialNumber,
      outcome,
      reasonCode: reviewed.reasonCode,
      pharmacistId: reviewed.pharmacistId,
      reviewedAt: reviewed.reviewedAt,
      institutionId: reviewed.institutionId,
    });
  };
}
