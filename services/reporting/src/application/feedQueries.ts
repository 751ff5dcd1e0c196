import type { EventStore, LogPosition, StoredEvent } from "@ihp/eventsourcing";
import type { JurisdictionCode } from "@ihp/jurisdiction";
import { FEED_ENTRY_RECORDED, type FeedEntryRecordedData } from "../domain/feed/entries.js";
import type { FeedEvent } from "../domain/feed/feedDecider.js";

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
/** Log events one page request may read, so a filter matching little of a long log cannot make a call unbounded. */
export const SCAN_BUDGET = 20_000;
const READ_BATCH = 1_000;

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

/**
 * A page of the feed in position order. The end position is where reading stopped, so a client that polls with it
 * never rereads what the filter skipped. A page can be short while hasNextPage is true when the scan budget ran out
 * before the page filled; the next page goes on from there (and may then turn out empty).
 */
export async function listFeed(
  store: EventStore,
  filter: FeedFilter,
  page: { readonly first: number; readonly after: LogPosition },
  scanBudget: number = SCAN_BUDGET,
): Promise<FeedPage> {
  const first = page.first <= 0 ? DEFAULT_PAGE_SIZE : Math.min(page.first, MAX_PAGE_SIZE);
  const records: FeedRecord[] = [];
  let scannedTo: LogPosition | undefined;
  let scanned = 0;
  while (scanned < scanBudget) {
    const limit = Math.min(READ_BATCH, scanBudget - scanned);
    const events = await store.readAll({ after: scannedTo ?? page.after, limit });
    for (const event of events) {
      const record = feedRecordOf(event);
      if (record !== undefined && matches(filter, record)) {
        // One entry beyond the page proves there is a next page; the page then ends at the last one returned.
        if (records.length === first) return { records, endPosition: records.at(-1)?.position, hasNextPage: true };
        records.push(record);
      }
      scannedTo = event.position;
      scanned += 1;
    }
    // A short batch is the end of the log.
    if (events.length < limit) return { records, endPosition: scannedTo, hasNextPage: false };
  }
  return { records, endPosition: scannedTo, hasNextPage: true };
}

/** Entries after a position, then new ones as they are recorded, until the signal aborts or the store closes. */
export async function* streamFeed(
  store: EventStore,
  filter: FeedFilter,
  after: LogPosition,
  signal: AbortSignal,
): AsyncGenerator<FeedRecord> {
  for await (const event of store.subscribe({ after, signal })) {
    const record = feedRecordOf(event);
    if (record !== undefined && matches(filter, record)) yield record;
  }
}
