import { PrescriptionReviewed, ReviewOutcome } from "@ihp/contracts/pharmacy";
import { PrescriptionSigned } from "@ihp/contracts/prescription";
import { decodeEnvelope, type MessageHandler } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import type { Outbound } from "../../application/outbound.js";

export const OUTBOUND_DURABLE = "integration-outbound";
export const OUTBOUND_SUBJECTS: readonly string[] = ["ihp.prescription.v1.PrescriptionSigned", "ihp.pharmacy.v1.PrescriptionReviewed"];

/**
 * Signed prescriptions and pharmacist approvals, into the outbound log of the prescription's institution (issue 17
 * item 3). Appends are idempotent by the source event id, so a redelivery changes nothing. What cannot be decoded is
 * logged by id and acknowledged.
 */
export function outboundHandler(outbound: Outbound, logger: Logger): MessageHandler {
  return async (message) => {
    let decoded;
    try {
      decoded = decodeEnvelope(message);
    } catch {
      logger.error({ messageId: message.id, subject: message.subject, code: "OUTBOUND_MESSAGE_UNDECODABLE" }, "outbound source cannot be decoded; acknowledged");
      return;
    }
    const { envelope } = decoded;
    const occurredAt = envelope.metadata?.occurredAt ?? "";
    if (envelope.type === "PrescriptionSigned") {
      const signed = PrescriptionSigned.decode(envelope.payload);
      await outbound.append({ eventId: envelope.id, type: message.subject, institutionId: signed.institutionId, patientId: signed.patientId, occurredAt, payload: PrescriptionSigned.toJSON(signed) });
    } else if (envelope.type === "PrescriptionReviewed") {
      const reviewed = PrescriptionReviewed.decode(envelope.payload);
      if (reviewed.outcome !== ReviewOutcome.REVIEW_OUTCOME_APPROVED) return;
      await outbound.append({ eventId: envelope.id, type: message.subject, institutionId: reviewed.institutionId, occurredAt, payload: PrescriptionReviewed.toJSON(reviewed) });
    }
  };
}
