import type { EventStore, LogPosition } from "@ihp/eventsourcing";
import { HeadReadModel, type HeadReadModelOptions } from "@ihp/projections";
import { FEED_INDEX_TABLE, type FeedIndexReadModels, feedIndexProjection } from "../adapters/feedIndexProjection.js";
import { FEED_ENTRY_RECORDED } from "../domain/feed/entries.js";
import { type FeedFilter, type FeedRecord, feedRecordOf } from "./feedQueries.js";

/** A range of the index: the entries' positions, and the checkpoint the index had reached before it was read. */
export interface IndexedRange {
  readonly positions: readonly LogPosition[];
  /** Every feed entry at or below this position was in the index when it was read. */
  readonly coveredTo: LogPosition;
}

/** What the feed queries read: ranges of the index, and the entries themselves from the log. */
export interface FeedReader {
  /** Positions of at most `limit` entries after `after` matching the filter, in position order. */
  range(filter: FeedFilter, after: LogPosition, limit: number): Promise<IndexedRange>;
  /** The entries at these positions (all feed entries), in the same order. */
  entries(positions: readonly LogPosition[]): Promise<FeedRecord[]>;
  /** The log the entries are in: live feeds follow it past the index. */
  readonly log: EventStore;
}

/** What the read model reads: the log a query waits for, the source its projector reads, its database. */
export type FeedIndexOptions = Omit<HeadReadModelOptions<FeedIndexReadModels>, "projection">;

/**
 * The regulator feed's index (REP-04, issue 15), kept by a checkpointed projector that catches up idempotently from
 * its checkpoint (rows and checkpoint commit together; a repeated row is ignored). Before a read it is brought up to
 * the head of the log (read-your-writes: an entry recorded before the call is in the page).
 */
export class FeedIndex extends HeadReadModel<FeedIndexReadModels> implements FeedReader {
  constructor(options: FeedIndexOptions) {
    super({ ...options, projection: feedIndexProjection });
  }

  async range(filter: FeedFilter, after: LogPosition, limit: number): Promise<IndexedRange> {
    const coveredTo = await this.caughtUp();
    let query = this.db.selectFrom(FEED_INDEX_TABLE).select("position").where("position", ">", Number(after));
    if (filter.jurisdiction !== undefined) query = query.where("jurisdiction", "=", filter.jurisdiction);
    const rows = await query.orderBy("position").limit(limit).execute();
    return { positions: rows.map((row) => BigInt(String(row.position))), coveredTo };
  }

  /** Reads the entries by position, one log read per run of consecutive positions. */
  async entries(positions: readonly LogPosition[]): Promise<FeedRecord[]> {
    const records: FeedRecord[] = [];
    for (const run of consecutiveRuns(positions)) {
      const events = await this.log.readAll({ after: run.first - 1n, limit: run.length });
      for (const event of events) {
        const record = event.type === FEED_ENTRY_RECORDED ? feedRecordOf(event) : undefined;
        if (record !== undefined) records.push(record);
      }
    }
    if (records.length !== positions.length) throw new Error("the feed index names a position that is not a feed entry of the log");
    return records;
  }
}

function consecutiveRuns(positions: readonly LogPosition[]): { first: LogPosition; length: number }[] {
  const runs: { first: LogPosition; length: number }[] = [];
  for (const position of positions) {
    const last = runs.at(-1);
    if (last !== undefined && last.first + BigInt(last.length) === position) last.length += 1;
    else runs.push({ first: position, length: 1 });
  }
  return runs;
}
