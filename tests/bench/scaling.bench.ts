// Costs as the log grows (issue 15 item 5): at each log size (default 0, 100k and 1M events; SCALING_SIZES="0,10000"
// for a quick run) one SQLite log in a temp dir is measured for
// - append p99: single-event appends, one at a time, no subscribers;
// - one feed page: ListFeed, 100 entries of a jurisdiction whose entries are all at the head of the log, from the
//   start (one call), and the time until the regulator holds its first full page (following hasNextPage);
// - a watcher's start: a consult-message watcher on a consult written at the beginning of the log: read its stream,
//   subscribe after its last event, until it receives a message appended after the start;
// - CPU per append with 400 watchers of OTHER consults following, against the same appends without watchers.
// The log is built between sizes through the store's own append, in large group-committed batches (500 concurrent
// appends of 20 events per commit): half feed entries (jurisdiction guangxi), half consult messages in 20-event
// streams. Both the consult watcher and the feed run as the services run them, in whichever version is checked out:
// the watcher through subscribeToStream when @ihp/eventsourcing has it (else the whole-log subscription filtered, as
// the consult service did), the feed through its index when reporting has one (else the log scan). Ends with one
// JSON line: the figures per size and the ratios of the largest size to 0.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";

import * as eventsourcing from "@ihp/eventsourcing";
import { type EventStore, type LogPosition, type NewEvent, START, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { openSqliteReadModels } from "@ihp/projections";

import { percentile, round } from "./stats.js";

const WATCHERS = 400;
const APPENDS = 300;
const PAGE = 100;
const BUILD_APPENDS = 500;
const BUILD_EVENTS_PER_APPEND = 20;
/** A jurisdiction per size whose entries are all recorded just before that size is measured. */
const FRESH_JURISDICTIONS = ["tianjin", "chongqing", "yinchuan", "national"];

const METADATA = {
  actorId: "bench",
  actorRole: "system",
  tenantId: "bench",
  correlationId: "bench",
  causationId: "bench",
  occurredAt: "2026-01-01T00:00:00.000Z",
};

function message(consult: string, n: number): NewEvent {
  return { id: uuidv7(), type: "MessageSent", schemaVersion: 1, data: { consultId: consult, messageId: `m-${n}`, kind: "TEXT", text: "最近血糖如何？" }, metadata: METADATA };
}

function feedEntry(jurisdiction: string, n: number): NewEvent {
  return {
    id: uuidv7(),
    type: "FeedEntryRecorded",
    schemaVersion: 1,
    data: { jurisdiction, category: "INSTITUTION", sourceEventId: `source-${n}`, occurredAt: METADATA.occurredAt, entry: { institutionId: `inst-${n}` } },
    metadata: METADATA,
  };
}

let built = 0;
/** Grows the log by `count` events, group-committed in rounds of BUILD_APPENDS appends. */
async function grow(store: EventStore, count: number): Promise<void> {
  while (count > 0) {
    const appends: Promise<unknown>[] = [];
    for (let a = 0; a < BUILD_APPENDS && count > 0; a++) {
      const size = Math.min(BUILD_EVENTS_PER_APPEND, count);
      const n = built++;
      const stream = n % 2 === 0 ? `consult-bulk-${n}` : `feed-bulk-${n}`;
      const events = Array.from({ length: size }, (_, i) => (n % 2 === 0 ? message(stream, i) : feedEntry("guangxi", n * 100 + i)));
      appends.push(store.append(stream, events, "no_stream"));
      count -= size;
    }
    await Promise.all(appends);
  }
}

interface FeedPageLike {
  readonly records: readonly unknown[];
  readonly endPosition: LogPosition | undefined;
  readonly hasNextPage: boolean;
}

interface Feed {
  readonly kind: "index" | "scan";
  /** Brings the feed's read model up to the log (nothing for the scan); the events per second it went at. */
  catchUp(): Promise<number | undefined>;
  page(jurisdiction: string, after: LogPosition): Promise<FeedPageLike>;
  close(): Promise<void>;
}

type ListFeed = (source: unknown, filter: { jurisdiction: string | undefined }, page: { first: number; after: LogPosition }) => Promise<FeedPageLike>;

/** The regulator feed as the reporting service of this checkout serves it. */
async function openFeed(store: EventStore, dir: string): Promise<Feed> {
  const queries = (await import("../../services/reporting/src/application/feedQueries.js")) as unknown as { listFeed: ListFeed };
  const indexModule = "../../services/reporting/src/application/feedIndex.js";
  let FeedIndex: (new (options: { db: unknown; log: EventStore }) => { caughtUp(): Promise<LogPosition> }) | undefined;
  try {
    ({ FeedIndex } = (await import(indexModule)) as { FeedIndex: typeof FeedIndex });
  } catch {
    FeedIndex = undefined;
  }
  if (FeedIndex === undefined) {
    return {
      kind: "scan",
      catchUp: () => Promise.resolve(undefined),
      page: (jurisdiction, after) => queries.listFeed(store, { jurisdiction }, { first: PAGE, after }),
      close: () => Promise.resolve(),
    };
  }
  const db = openSqliteReadModels(join(dir, "read-models.sqlite"));
  const index = new FeedIndex({ db, log: store });
  let indexed: LogPosition = START;
  return {
    kind: "index",
    async catchUp() {
      const start = performance.now();
      const reached = await index.caughtUp();
      const events = Number(reached - indexed);
      indexed = reached;
      return events === 0 ? undefined : round((events / (performance.now() - start)) * 1000, 0);
    },
    page: (jurisdiction, after) => queries.listFeed(index, { jurisdiction }, { first: PAGE, after }),
    close: () => db.destroy(),
  };
}

type Follow = (store: EventStore, streamId: string, options: { after?: StoredEvent; signal?: AbortSignal }) => AsyncIterable<StoredEvent>;

/** How this checkout's consult service follows one consult after its history (see messageFeed.ts). */
const follow: Follow =
  (eventsourcing as unknown as { subscribeToStream?: Follow }).subscribeToStream ??
  async function* wholeLog(store, streamId, { after, signal }) {
    for await (const event of store.subscribe({ after: after?.position ?? START, ...(signal === undefined ? {} : { signal }) })) {
      if (event.streamId === streamId) yield event;
    }
  };

/** A watcher as the consult service runs one: history, then the live feed; counts the messages it receives. */
function watch(store: EventStore, streamId: string, signal: AbortSignal, onMessage: () => void): Promise<void> {
  return (async () => {
    const history = await store.readStream(streamId);
    const last = history.at(-1);
    for await (const event of follow(store, streamId, { ...(last === undefined ? {} : { after: last }), signal })) {
      if (event.type === "MessageSent") onMessage();
    }
  })();
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function appendsCpu(store: EventStore, label: string): Promise<{ cpuMsPerAppend: number; latencies: number[] }> {
  const latencies: number[] = [];
  const stream = `consult-measured-${label}-${uuidv7()}`;
  const before = process.cpuUsage();
  for (let i = 0; i < APPENDS; i++) {
    const t0 = performance.now();
    await store.append(stream, [message(stream, i)], i === 0 ? "no_stream" : i - 1);
    latencies.push(performance.now() - t0);
  }
  return { cpuMsPerAppend: cpuMs(before) / APPENDS, latencies };
}

async function measureAt(store: EventStore, feed: Feed, size: number, sizeIndex: number, oldConsult: string) {
  const catchUpEventsPerSec = await feed.catchUp();
  // Append p99 and CPU per append, nobody watching.
  const quiet = await appendsCpu(store, `quiet-${size}`);
  quiet.latencies.sort((a, b) => a - b);

  // One feed page: a jurisdiction whose entries were all recorded just now, at the head of the log.
  const jurisdiction = FRESH_JURISDICTIONS[sizeIndex % FRESH_JURISDICTIONS.length]!;
  for (let i = 0; i < 3; i++) await store.append(`feed-fresh-${size}-${i}`, Array.from({ length: 50 }, (_, n) => feedEntry(jurisdiction, n)), "no_stream");
  await feed.catchUp();
  let t0 = performance.now();
  const one = await feed.page(jurisdiction, START);
  const feedPageMs = performance.now() - t0;
  t0 = performance.now();
  let calls = 0;
  let after: LogPosition = START;
  let page = one;
  for (;;) {
    page = await feed.page(jurisdiction, after);
    calls += 1;
    if (page.records.length >= PAGE || !page.hasNextPage) break;
    after = page.endPosition ?? after;
  }
  const feedFirstFullPageMs = performance.now() - t0;

  // A watcher's start on a consult from the beginning of the log.
  const controller = new AbortController();
  let received = 0;
  let got: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (got = resolve));
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const watching = watch(store, oldConsult, controller.signal, () => {
    received += 1;
    got();
  });
  const revision = (await store.readStream(oldConsult)).length - 1;
  await store.append(oldConsult, [message(oldConsult, revision + 1)], revision);
  await arrived;
  const watcherStartMs = performance.now() - t0;
  const watcherStartCpuMs = cpuMs(cpu0);
  controller.abort();
  await watching;

  // 400 watchers of other consults (fresh ones, so the old code's whole-log subscriptions start near the head).
  const others = new AbortController();
  setMaxListeners(WATCHERS * 2, others.signal);
  const watchers: Promise<void>[] = [];
  for (let w = 0; w < WATCHERS; w++) {
    const stream = `consult-watched-${size}-${w}`;
    await store.append(stream, [message(stream, 0)], "no_stream");
  }
  for (let w = 0; w < WATCHERS; w++) watchers.push(watch(store, `consult-watched-${size}-${w}`, others.signal, () => undefined));
  await settle(500);
  const watched = await appendsCpu(store, `watched-${size}`);
  others.abort();
  await Promise.all(watchers);

  return {
    size,
    appendP99Ms: round(percentile(quiet.latencies, 99), 3),
    feedPageMs: round(feedPageMs, 3),
    feedPageRecords: one.records.length,
    feedFirstFullPageMs: round(feedFirstFullPageMs, 3),
    feedFirstFullPageCalls: calls,
    watcherStartMs: round(watcherStartMs, 3),
    watcherStartCpuMs: round(watcherStartCpuMs, 3),
    watcherReceived: received,
    cpuMsPerAppendQuiet: round(quiet.cpuMsPerAppend, 4),
    cpuMsPerAppend400Watchers: round(watched.cpuMsPerAppend, 4),
    addedCpuMsPerAppendBy400Watchers: round(watched.cpuMsPerAppend - quiet.cpuMsPerAppend, 4),
    ...(catchUpEventsPerSec === undefined ? {} : { feedIndexCatchUpEventsPerSec: catchUpEventsPerSec }),
  };
}

export async function runScalingBench(): Promise<void> {
  const sizes = (process.env["SCALING_SIZES"] ?? "0,100000,1000000").split(",").map((size) => Number(size.trim()));
  const dir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-scaling-"));
  const store = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
  const feed = await openFeed(store, dir);
  try {
    const oldConsult = "consult-old";
    await store.append(oldConsult, [message(oldConsult, 0)], "no_stream");
    const results = [];
    for (const [index, size] of sizes.entries()) {
      const head = Number((await store.head()).position);
      const buildStart = performance.now();
      await grow(store, Math.max(0, size - head));
      const buildSeconds = round((performance.now() - buildStart) / 1000, 1);
      const result = await measureAt(store, feed, size, index, oldConsult);
      process.stdout.write(`${size} events (built in ${buildSeconds} s): append p99 ${result.appendP99Ms} ms; feed page ${result.feedPageMs} ms (${result.feedPageRecords} entries), first full page ${result.feedFirstFullPageMs} ms in ${result.feedFirstFullPageCalls} calls; watcher start ${result.watcherStartMs} ms (${result.watcherStartCpuMs} ms CPU); CPU per append ${result.cpuMsPerAppendQuiet} ms quiet, ${result.cpuMsPerAppend400Watchers} ms with ${WATCHERS} watchers of other consults\n`);
      results.push({ ...result, buildSeconds });
    }
    const first = results[0];
    const last = results.at(-1);
    const ratio = (key: "appendP99Ms" | "feedPageMs" | "feedFirstFullPageMs" | "watcherStartMs" | "cpuMsPerAppend400Watchers") =>
      first === undefined || last === undefined || first[key] === 0 ? null : round(last[key] / first[key], 2);
    const summary = {
      name: "scaling",
      feed: feed.kind,
      watcher: (eventsourcing as unknown as { subscribeToStream?: unknown }).subscribeToStream === undefined ? "whole-log" : "stream",
      build: "the store's own append, 500 concurrent appends of 20 events per group commit, one SQLite file in a temp dir",
      watchers: WATCHERS,
      sizes: results,
      ratios: {
        of: `${last?.size ?? 0} vs ${first?.size ?? 0} events`,
        appendP99: ratio("appendP99Ms"),
        feedPage: ratio("feedPageMs"),
        feedFirstFullPage: ratio("feedFirstFullPageMs"),
        watcherStart: ratio("watcherStartMs"),
        cpuPerAppend400Watchers: ratio("cpuMsPerAppend400Watchers"),
      },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await feed.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
