import { ConsultCompleted } from "@ihp/contracts/consult";
import { decodeEnvelope, type MessageHandler } from "@ihp/messaging";
import { isRefusal, type Logger } from "@ihp/platform";

export const ORIGINATION_DURABLE = "records-origination";
export const ORIGINATION_SUBJECTS: readonly string[] = ["ihp.consult.v1.ConsultCompleted"];
/**
 * Originations handled at once. Each is independent (one per consult; several gRPC reads and appends waiting on
 * fsync, 30–70 ms of mostly waiting) and idempotent even when the same consult is handled twice at once (document id
 * from the consult, the event id as request id, derived ids for the index and media events: see
 * originationConcurrency.int.test.ts), so the order the consults completed in does not matter. On JetStream publish
 * resolves on the PubAck, so a backlog can build; on the in-process bus consult's relay keeps several publishes in
 * flight (the bus keeps their order), so ConsultCompleted of several consults reach this durable at once there too.
 */
export const ORIGINATION_CONCURRENCY = 4;

/**
 * REC-01: consult's ConsultCompleted → the outpatient record, drafted. The bus carries no clinical text; the
 * origination fetches it from consult. A refusal (the consult not completed, the source refused) is logged by code
 * and acknowledged — a redelivery would be refused the same way; anything else (consult unreachable) is thrown so the
 * bus redelivers. Undecodable messages are logged by id and acknowledged.
 */
export function originationHandler(originate: (consultId: string, causationId: string) => Promise<string>, logger: Logger): MessageHandler {
  return async (message) => {
    let decoded;
    try {
      decoded = decodeEnvelope(message);
    } catch {
      logger.error({ messageId: message.id, subject: message.subject, code: "ORIGINATION_MESSAGE_UNDECODABLE" }, "consult event cannot be decoded; acknowledged");
      return;
    }
    const { envelope } = decoded;
    if (envelope.type !== "ConsultCompleted") return;
    const completed = ConsultCompleted.decode(envelope.payload);
    try {
      const documentId = await originate(completed.consultId, envelope.id);
      logger.info({ consultId: completed.consultId, documentId }, "outpatient record originated");
    } catch (error) {
      if (!isRefusal(error)) throw error;
      logger.error({ consultId: completed.consultId, code: error.code }, "outpatient record not originated; acknowledged");
    }
  };
}
