import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { type EventStore, type NewEvent, type StoredEvent, subscribeToStream, uuidv7 } from "@ihp/eventsourcing";
import { PostgresEventStore } from "@ihp/eventsourcing/postgres";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { commitPayload, streamsOfPayload } from "../src/postgres/commitListener.js";

import { DATABASE_URL, freshLog, postgresReachable } from "./support/postgresLog.js";

// Issue 15: a watcher of one stream is woken only by its own stream's commits and starts from its stream's revision.

type Store = EventStore & { stats(): { readonly streamWakeups: number } };

interface Opened {
  readonly store: Store;
  /** A second writer on the same log (PostgreSQL: another replica), or the same store. */
  readonly other: Store;
  close(): Promise<void>;
}

const METADATA = {
  actorId: "test",
  actorRole: "SYSTEM",
  tenantId: "t",
  correlationId: "c",
  causationId: "c",
  occurredAt: "2026-01-01T00:00:00.000Z",
};
const event = (n: number): NewEvent => ({ id: uuidv7(), type: "Counted", schemaVersion: 1, data: { n }, metadata: METADATA });

/**
 * Collects a subscription into an array, and resolves `reached(n)` once it holds n events; `reached` rejects when the
 * subscription ends (or fails) before that, so a test says so instead of waiting for its timeout.
 */
function collect(events: AsyncIterable<StoredEvent>) {
  const seen: StoredEvent[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const done = (async () => {
    for await (const stored of events) {
      seen.push(stored);
      for (const wait of waiting.filter((entry) => seen.length >= entry.n)) wait.resolve();
    }
  })();
  const ended = (n: number): Promise<never> =>
    done.then(
      () => Promise.reject(new Error(`the subscription ended after ${seen.length} of ${n} events`)),
      (error: unknown) => Promise.reject(new Error(`the subscription failed after ${seen.length} of ${n} events`, { cause: error })),
    );
  const reached = (n: number): Promise<void> =>
    seen.length >= n ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => waiting.push({ n, resolve })), ended(n)]);
  return { seen, done, reached };
}

/** Lets pending wake-ups and reads run (no clock involved: the stores' poll interval is far longer than this). */
const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Waits until every commit so far has reached `store`'s subscribers; resolves to the stream wake-ups it caused itself
 * (PostgreSQL: one, for the marker stream whose notification, delivered in commit order, comes after all others).
 */
type Drain = (opened: Opened) => Promise<number>;

function streamSubscriptionSuite(name: string, open: () => Promise<Opened>, drain: Drain): void {
  describe(name, () => {
    it("XC-01: a stream subscriber receives nothing and costs no wake-up for another stream's events, then its own at once", async () => {
      const opened = await open();
      const { store, other, close } = opened;
      try {
        const first = await store.append("consult-A", [event(0)], "no_stream");
        await drain(opened);
        const controller = new AbortController();
        const watcher = collect(subscribeToStream(store, "consult-A", { after: first.events[0], signal: controller.signal }));
        await settle();
        const before = store.stats().streamWakeups;
        for (let n = 0; n < 50; n++) await other.append("consult-B", [event(n)], n === 0 ? "no_stream" : n - 1);
        const own = await drain(opened);
        await settle();
        expect(watcher.seen).toEqual([]);
        expect(store.stats().streamWakeups - before).toBe(own);
        await other.append("consult-A", [event(1)], 0);
        await watcher.reached(1);
        expect(watcher.seen.map((stored) => [stored.streamId, stored.revision])).toEqual([["consult-A", 1]]);
        expect(store.stats().streamWakeups - before).toBeGreaterThanOrEqual(1);
        controller.abort();
        await watcher.done;
      } finally {
        await close();
      }
    });

    it("XC-01: a stream subscription starts after the given revision of its stream, then follows live, each event once, in order, until aborted", async () => {
      const opened = await open();
      const { store, close } = opened;
      try {
        for (let n = 0; n < 5; n++) {
          await store.append("consult-A", [event(n)], n === 0 ? "no_stream" : n - 1);
          await store.append(`consult-other-${n}`, [event(n), event(n + 1)], "no_stream");
        }
        const history = await store.readStream("consult-A");
        const controller = new AbortController();
        const watcher = collect(subscribeToStream(store, "consult-A", { after: history[2], signal: controller.signal }));
        await watcher.reached(2);
        await store.append("consult-A", [event(5), event(6)], 4);
        await watcher.reached(4);
        controller.abort();
        await watcher.done;
        expect(watcher.seen.map((stored) => stored.revision)).toEqual([3, 4, 5, 6]);
        expect(new Set(watcher.seen.map((stored) => stored.streamId))).toEqual(new Set(["consult-A"]));
        // After the abort, commits to the stream wake nobody: the watch was let go.
        const after = store.stats().streamWakeups;
        await store.append("consult-A", [event(7)], 6);
        const own = await drain(opened);
        await settle();
        expect(store.stats().streamWakeups - after).toBe(own);
      } finally {
        await close();
      }
    });

    it("XC-01: an abort that lands while a subscription reads its page ends it at once, not at the next poll", async () => {
      const { store, close } = await open();
      try {
        const follows = {
          "whole log": (signal: AbortSignal) => store.subscribe({ signal }),
          stream: (signal: AbortSignal) => subscribeToStream(store, "consult-A", { signal }),
        };
        for (const [kind, follow] of Object.entries(follows)) {
          const controller = new AbortController();
          // next() runs the subscription up to its first read (nothing to read: the log is empty) and returns while
          // that read is still pending; the abort lands in between, so the read's empty page is followed by the wait.
          const next = follow(controller.signal)[Symbol.asyncIterator]().next();
          controller.abort();
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still waiting 10 s after the abort"), 10_000)));
          const ended = await Promise.race([next.then((result) => result), late]).finally(() => clearTimeout(timer));
          expect(ended, kind).toEqual({ done: true, value: undefined });
        }
      } finally {
        await close();
      }
    });

    it("XC-01: a store without stream subscriptions gives the same events through the whole-log fallback", async () => {
      const { store, close } = await open();
      try {
        await store.append("consult-A", [event(0), event(1)], "no_stream");
        await store.append("consult-B", [event(0)], "no_stream");
        const history = await store.readStream("consult-A");
        const plain: EventStore = {
          append: (...args) => store.append(...args),
          appendMany: (batch) => store.appendMany(batch),
          readStream: (id) => store.readStream(id),
          readAll: (options) => store.readAll(options),
          subscribe: (options) => store.subscribe(options),
          verify: () => store.verify(),
          close: () => store.close(),
        };
        const controller = new AbortController();
        const watcher = collect(subscribeToStream(plain, "consult-A", { after: history[0], signal: controller.signal }));
        await watcher.reached(1);
        await store.append("consult-B", [event(1)], 0);
        await store.append("consult-A", [event(2)], 1);
        await watcher.reached(2);
        controller.abort();
        await watcher.done;
        expect(watcher.seen.map((stored) => [stored.streamId, stored.revision])).toEqual([["consult-A", 1], ["consult-A", 2]]);
      } finally {
        await close();
      }
    });
  });
}

/** A poll interval no test waits for: a subscriber that follows in time was woken by a commit. */
const NEVER = 600_000;

streamSubscriptionSuite(
  "SQLite stream subscriptions",
  () => {
    const store = SqliteEventStore.open({ path: ":memory:", pollIntervalMs: NEVER });
    return Promise.resolve({ store, other: store, close: () => store.close() });
  },
  () => Promise.resolve(0),
);

const available = await postgresReachable();
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());

let markers = 0;
const drainNotifications: Drain = async ({ store, other }) => {
  const stream = `drain-${markers++}`;
  const before = store.stats().streamWakeups;
  const controller = new AbortController();
  const marker = collect(subscribeToStream(store, stream, { signal: controller.signal }));
  await other.append(stream, [event(0)], "no_stream");
  while (store.stats().streamWakeups === before) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await marker.done;
  return 1;
};

describe.skipIf(!available)("PostgreSQL", () => {
  streamSubscriptionSuite(
    "stream subscriptions across replicas (notifications name the streams written)",
    async () => {
      const log = await freshLog(admin);
      const options = { connectionString: log.appUrl, schema: log.schema, listeningPollIntervalMs: NEVER, pollIntervalMs: NEVER };
      const store = await PostgresEventStore.open(options);
      const other = await PostgresEventStore.open(options);
      return {
        store,
        other,
        close: async () => {
          await store.close();
          await other.close();
          await log.drop();
        },
      };
    },
    drainNotifications,
  );
});

describe("commit notification payloads", () => {
  it("XC-01: name the schema and the streams written; a payload too long for NOTIFY names no streams (everyone wakes)", () => {
    expect(streamsOfPayload("es", commitPayload("es", ["consult-A", "consult-B"]))).toEqual(["consult-A", "consult-B"]);
    expect(streamsOfPayload("es", "es")).toBeUndefined();
    expect(streamsOfPayload("es", commitPayload("es", Array.from({ length: 2_000 }, (_, n) => `consult-${n}`)))).toBeUndefined();
    expect(streamsOfPayload("es", commitPayload("other", ["consult-A"]))).toBeNull();
    expect(streamsOfPayload("es", "es_two:[]")).toBeNull();
  });
});
