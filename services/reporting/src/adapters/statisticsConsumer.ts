import type { MessageHandler } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import type { Kysely } from "kysely";
import { UndecodableMessageError } from "../application/sourceMessage.js";
import { consultResponseMillis } from "../domain/statistics/figures.js";
import { decodeConsultMessage } from "./consultEvents.js";
import type { StatisticsReadModels } from "./statisticsProjection.js";

/** The statistics' durable consumer of consult's ConsultStarted (the request and acceptance times). */
export const STATISTICS_CONSULT_DURABLE = "reporting-statistics-consult";
export const STATISTICS_CONSULT_SUBJECTS: readonly string[] = ["ihp.consult.v1.ConsultStarted"];

/**
 * REP-04 consult response time: consult's ConsultStarted names when the patient requested and the physician accepted
 * (the feed's consult entry does not carry these), so the statistics read it from the bus themselves and keep the
 * duration per consult. An upsert by consult: a redelivery changes nothing. A message that cannot be read is
 * acknowledged (logged at debug level with its id only); the feed consumer of the same subject reports it.
 */
export function statisticsConsultHandler(db: Kysely<StatisticsReadModels>, logger: Logger): MessageHandler {
  return async (message) => {
    let decoded;
    try {
      decoded = decodeConsultMessage(message);
    } catch (error) {
      if (!(error instanceof UndecodableMessageError)) throw error;
      // The feed consumer of the same subject logs it with its code (FEED_MESSAGE_UNDECODABLE): once is the alert.
      logger.debug({ messageId: message.id }, "consult event undecodable; not counted in the statistics");
      return;
    }
    if (decoded.kind !== "fact" || decoded.event.fact.type !== "ConsultStarted") return;
    // The adapter hands over the whole decoded event: the times are read here, never fed.
    const started = decoded.event.fact as typeof decoded.event.fact & { readonly requestedAt?: string; readonly acceptedAt?: string };
    const millis = consultResponseMillis({ requestedAt: started.requestedAt ?? "", acceptedAt: started.acceptedAt ?? "", startedAt: started.startedAt });
    if (millis === undefined) return;
    const row = { item_key: `consult:${started.consultId}`, millis };
    await db
      .insertInto("reporting_statistics_consult_responses")
      .values(row)
      .onConflict((c) => c.column("item_key").doUpdateSet({ millis }))
      .execute();
  };
}
