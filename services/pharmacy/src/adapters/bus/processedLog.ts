import type { ProcessedLog } from "@ihp/messaging";
import type { Kysely } from "kysely";
import type { PharmacyReadModels } from "../../application/prescriptionsProjection.js";

/**
 * The consumer's processed-message log in the read-model database (SQLite or PostgreSQL, closed by the host). Its
 * table is created on first use. Losing it only costs a repeat: receipt is idempotent by message id in the stream.
 */
export function readModelProcessedLog(db: Kysely<PharmacyReadModels>, clock: () => Date): ProcessedLog {
  let ready: Promise<void> | undefined;
  const table = (): Promise<void> =>
    (ready ??= db.schema
      .createTable("pharmacy_processed_messages")
      .ifNotExists()
      .addColumn("consumer", "text", (column) => column.notNull())
      .addColumn("message_id", "text", (column) => column.notNull())
      .addColumn("processed_at", "text", (column) => column.notNull())
      .addPrimaryKeyConstraint("pharmacy_processed_messages_pk", ["consumer", "message_id"])
      .execute()
      .then(() => undefined));
  return {
    async has(consumer, messageId) {
      await table();
      const row = await db
        .selectFrom("pharmacy_processed_messages")
        .select("message_id")
        .where("consumer", "=", consumer)
        .where("message_id", "=", messageId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async record(consumer, messageId) {
      await table();
      await db
        .insertInto("pharmacy_processed_messages")
        .values({ consumer, message_id: messageId, processed_at: clock().toISOString() })
        .onConflict((conflict) => conflict.columns(["consumer", "message_id"]).doNothing())
        .execute();
    },
  };
}
