import { DomainError } from "@ihp/eventsourcing";
import { idempotentHandler, type MessageHandler, type ProcessedLog } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import type { Receiving } from "../../application/receiving.js";
import { decodePrescriptionMessage, UndecodableMessageError } from "./prescriptionMessages.js";

export const PRESCRIPTION_DURABLE = "pharmacy-prescriptions";

/**
 * The durable consumer of the prescription service's events. Resolving acknowledges; throwing (identity unreachable,
 * a store fault) has the bus redeliver. What a retry cannot fix — an undecodable message, a document the decider
 * refuses — is logged with its code and ids only (never payload content) and acknowledged, so it does not hold up
 * the messages behind it; it stays in the prescription service's log for replay once fixed.
 */
export function prescriptionMessageHandler(receiving: Receiving, processed: ProcessedLog, logger: Logger): MessageHandler {
  const handler: MessageHandler = async (message) => {
    const where = { messageId: message.id, subject: message.subject, deliveryCount: message.deliveryCount };
    try {
      const decoded = decodePrescriptionMessage(message);
      switch (decoded.kind) {
        case "signed": {
          const { repeated } = await receiving.receive(decoded.document, decoded.origin);
          logger.debug({ ...where, repeated }, "signed prescription received");
          return;
        }
        case "voided":
          await receiving.void(decoded.voided, decoded.origin);
          logger.debug(where, "prescription void recorded");
          return;
        case "ignored":
          return;
      }
    } catch (error) {
      if (error instanceof UndecodableMessageError || (error instanceof DomainError && error.kind !== "ABORTED")) {
        logger.error({ ...where, code: error.code }, "prescription message cannot be processed; acknowledged");
        return;
      }
      throw error;
    }
  };
  return idempotentHandler(PRESCRIPTION_DURABLE, processed, handler);
}
