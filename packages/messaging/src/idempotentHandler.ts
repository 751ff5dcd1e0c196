import type { MessageHandler } from "./bus.js";

/** What a consumer has already processed, by message id (= event id). */
export interface ProcessedLog {
  has(consumer: string, messageId: string): Promise<boolean>;
  record(consumer: string, messageId: string): Promise<void>;
}

/**
 * Makes a handler skip messages its consumer already processed: the bus delivers at least once (redelivery after a
 * lost ack, a relay publishing again after a crash beyond the duplicate window).
 *
 * The id is recorded after the handler resolves, in a separate write. A crash between the two runs the handler again
 * for that one message, so its effect must itself be safe to repeat, or be recorded in the same transaction as the
 * id (projections do that in their own stores and do not need this wrapper).
 */
export function idempotentHandler(consumer: string, log: ProcessedLog, handler: MessageHandler): MessageHandler {
  return async (message) => {
    if (await log.has(consumer, message.id)) return;
    await handler(message);
    await log.record(consumer, message.id);
  };
}
