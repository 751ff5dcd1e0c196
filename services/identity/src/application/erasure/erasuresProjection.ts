import type { Projection } from "@ihp/projections";
import { ERASURE_COMPLETED, ERASURE_REQUESTED } from "@ihp/service-host";
import type { Kysely } from "kysely";

/** Erasures not yet confirmed by every holder: what the retry job re-publishes and alerts on (issue 10 item 3). */
export interface SubjectErasuresTable {
  erasure_id: string;
  /** OPEN until every holder confirmed, then COMPLETE. */
  status: string;
  requested_at: string;
}

export interface ErasureReadModels {
  subject_erasures: SubjectErasuresTable;
}

export function erasuresProjectionOf<DB extends ErasureReadModels>(): Projection<DB> {
  const projection: Projection<ErasureReadModels> = {
    name: "subject_erasures",
    version: 1,
    handles: new Set([ERASURE_REQUESTED, ERASURE_COMPLETED]),
    async setup(db) {
      await db.schema
        .createTable("subject_erasures")
        .ifNotExists()
        .addColumn("erasure_id", "text", (column) => column.primaryKey())
        .addColumn("status", "text", (column) => column.notNull())
        .addColumn("requested_at", "text", (column) => column.notNull())
        .execute();
      await db.schema.createIndex("subject_erasures_open").ifNotExists().on("subject_erasures").columns(["status", "requested_at"]).execute();
    },
    async reset(trx) {
      await trx.deleteFrom("subject_erasures").execute();
    },
    async apply(trx, event) {
      const erasureId = typeof event.data.erasureId === "string" ? event.data.erasureId : "";
      if (event.type === ERASURE_REQUESTED) {
        await trx
          .insertInto("subject_erasures")
          .values({ erasure_id: erasureId, status: "OPEN", requested_at: event.metadata.occurredAt })
          .onConflict((conflict) => conflict.column("erasure_id").doNothing())
          .execute();
      } else {
        await trx.updateTable("subject_erasures").set({ status: "COMPLETE" }).where("erasure_id", "=", erasureId).execute();
      }
    },
  };
  return projection as unknown as Projection<DB>;
}

/** Open erasures requested before `before`, oldest first. */
export async function openErasures(db: Kysely<ErasureReadModels>, before: string, limit = 100): Promise<SubjectErasuresTable[]> {
  return db.selectFrom("subject_erasures").selectAll().where("status", "=", "OPEN").where("requested_at", "<", before).orderBy("requested_at").limit(limit).execute();
}

/** How many erasures are still open that were requested before `before` (the overdue gauge). */
export async function countOpenErasures(db: Kysely<ErasureReadModels>, before: string): Promise<number> {
  const row = await db
    .selectFrom("subject_erasures")
    .select((eb) => eb.fn.countAll<number>().as("open"))
    .where("status", "=", "OPEN")
    .where("requested_at", "<", before)
    .executeTakeFirst();
  return Number(row?.open ?? 0);
}
