import type { StoredEvent } from "@ihp/eventsourcing";
import { compiledOnce, type Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import { FEED_ENTRY_RECORDED, type FeedEntryRecordedData } from "../domain/feed/entries.js";

// REP-04 / issue 15: the regulator feed's index — one row per feed entry, its log position and jurisdiction, indexed
// by (jurisdiction, position). A page of ListFeed is one range read here, whatever the length of the log. It holds no
// entry content (the entries are read from the log by position, opened there), so nothing personal or sealed is
// copied out of the log. Same tables on SQLite (embedded) and PostgreSQL (READ_MODEL_URL).

/** position: the entry's log position; bigint, which PostgreSQL returns as a string: read it through BigInt(String()). */
export interface FeedIndexTable {
  position: number | string;
  jurisdiction: string;
}

export interface FeedIndexReadModels {
  feed_index: FeedIndexTable;
}

export const FEED_INDEX_TABLE = "feed_index";

/**
 * Built and compiled once: apply runs once per feed entry at catch-up, and building and compiling the query each time
 * cost as much as the insert itself (profile of issue 15, item 3).
 */
const insertRow = compiledOnce((db: Kysely<FeedIndexReadModels>, p: { position: number; jurisdiction: string }) =>
  db
    .insertInto(FEED_INDEX_TABLE)
    .values({ position: p.position, jurisdiction: p.jurisdiction })
    .onConflict((conflict) => conflict.column("position").doNothing()),
);

export const feedIndexProjection: Projection<FeedIndexReadModels> = {
  name: "reporting-feed-index",
  version: 1,
  handles: new Set([FEED_ENTRY_RECORDED]),
  async setup(db: Kysely<FeedIndexReadModels>) {
    await db.schema
      .createTable(FEED_INDEX_TABLE)
      .ifNotExists()
      .addColumn("position", "bigint", (column) => column.primaryKey())
      .addColumn("jurisdiction", "text", (column) => column.notNull())
      .execute();
    await db.schema.createIndex("feed_index_by_jurisdiction").ifNotExists().on(FEED_INDEX_TABLE).columns(["jurisdiction", "position"]).execute();
  },
  async reset(trx: Transaction<FeedIndexReadModels>) {
    await trx.deleteFrom(FEED_INDEX_TABLE).execute();
  },
  async apply(trx: Transaction<FeedIndexReadModels>, event: StoredEvent) {
    // Written by this service's decider only (schema version 1). A repeat (a replay over rows already there) is a no-op.
    const { jurisdiction } = event.data as unknown as FeedEntryRecordedData;
    await insertRow.execute(trx, { position: Number(event.position), jurisdiction });
  },
};
