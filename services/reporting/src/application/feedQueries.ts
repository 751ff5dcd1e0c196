import type { LogPosition, StoredEvent } from "@ihp/eventsourcing";
import type { JurisdictionCode } from "@ihp/jurisdiction";
import { FEED_ENTRY_RECORDED, type FeedEntryRecordedData } from "../domain/feed/entries.js";
import type { FeedEvent } from "../domain/feed/feedDecider.js";
import type { FeedReader } from "./feedIndex.js";

/** One feed entry: a FeedEntryRecorded event and its log position, which is its feed position. */
export interface FeedRecord {
  readonly position: LogPosition;
  readonly data: FeedEntryRecordedData;
}

/** Which entries a read returns: one jurisdiction, or all (undefined). */
export interface FeedFilter {
  readonly jurisdiction: JurisdictionCode | undefined;
}

export interface FeedPage {
  readonly records: readonly FeedRecord[];
  /** Where the next page starts (after this position); undefined when nothing was read past `after`. */
  readonly endPosition: LogPosition | undefined;
  readonly hasNextPage: boolean;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;
/** Index rows one catch-up read of StreamFeed takes at a time. */
const CATCH_UP_BATCH = 1_000;

/** The feed entry an event of the log is, if it is one (the log also holds other events, e.g. refusals). */
export function feedRecordOf(event: StoredEvent): FeedRecord | undefined {
  if (event.type !== FEED_ENTRY_RECORDED) return undefined;
  // Written by this service's decider only, schema version 1.
  return { position: event.position, data: event.data as FeedEntryRecordedData };
}

/** A feed stream's entries as its decider folds them. */
export function feedEventsOf(history: readonly StoredEvent[]): FeedEvent[] {
  return history.flatMap((event) => {
    const record = feedRecordOf(event);
    return record === undefined ? [] : [{ type: FEED_ENTRY_RECORDED, data: record.data }];
  });
}

function matches(filter: FeedFilter, record: FeedRecord): boolean {
  return filter.jurisdiction === undefined || record.data.jurisdiction === filter.jurisdiction;
}

const later = (a: LogPosition, b: LogPosition | undefined): LogPosition => (b !== undefined && b > a ? b : a);

/**
 * A page of the feed in position order, read from the feed index (issue 15: one range read, so a page costs the same
 * at a million events as at a thousand). The end position is where the index's knowledge stops — the log position it
 * had caught up to, or the page's last entry when the page is full — so a client that polls with it never rereads
 * what the filter skipped, and never misses an entry recorded later.
 */
export async function listFeed(
  reader: FeedReader,
  filter: FeedFilter,
  page: { readonly first: number; readonly after: LogPosition },
): Promise<FeedPage> {
  const first = page.first <= 0 ? DEFAULT_PAGE_SIZE : Math.min(page.first, MAX_PAGE_SIZE);
  // One entry beyond the page proves there is a next page; the page then ends at the last one returned.
  const range = await reader.range(filter, page.after, first + 1);
  const records = await reader.entries(range.positions.slice(0, first));
  if (range.positions.length > first) return { records, endPosition: records.at(-1)?.position, hasNextPage: true };
  const end = later(range.coveredTo, records.at(-1)?.position);
  return { records, endPosition: end > page.after ? end : undefined, hasNextPage: false };
}

/**
 * Entries after a position, then new ones as they are recorded, until the signal aborts or the store closes: the
 * catch-up reads the index, then the log is followed live from where the index left off (no gap: every entry at or
 * below that point was in the index; no repeat: the log is followed after it).
 */
export async function* streamFeed(
  reader: FeedReader,
  filter: FeedFilter,
  after: LogPosition,
  signal: AbortSignal,
): AsyncGenerator<FeedRecord> {
  let from = after;
  for (;;) {
    if (signal.aborted) return;
    const range = await reader.range(filter, from, CATCH_UP_BATCH);
    for (const record of await reader.entries(range.positions)) {
      if (signal.aborted) return;
      yield record;
      from = record.position;
    }
    if (range.positions.length < CATCH_UP_BATCH) {
      from = later(from, range.coveredTo);
      break;
    }
  }
  for await (const event of reader.log.subscribe({ after: from, signal })) {
    const record = feedRecordOf(event);
    if (record !== undefined && matches(filter, record)) yield record;
  }
}
