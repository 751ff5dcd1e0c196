import {
  DuplicateEventIdError,
  GENESIS_HASH,
  InvalidAppendError,
  START,
  WrongExpectedRevisionError,
  uuidv7,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
} from "@ihp/eventsourcing";
import { afterEach, describe, expect, it } from "vitest";

import { appendManyContract } from "./eventStoreContract.appendMany.js";
import { newEvent } from "./newEvent.js";

export interface StoreUnderTest {
  readonly store: EventStore;
  readonly cleanup: () => Promise<void>;
  /** Stream ids the suite makes start with this (an adapter may only see streams under its prefix). */
  readonly streamPrefix?: string;
  /**
   * Whether the adapter refuses an event id already stored in another stream. SQLite does (a unique index);
   * KurrentDB has no index by event id, so it can only refuse repeats within a stream. Default true.
   */
  readonly idsUniqueAcrossStreams?: boolean;
  /**
   * Whether appendMany writes several streams atomically. SQLite and PostgreSQL do; KurrentDB refuses a batch of
   * more than one stream with MultiStreamAppendUnsupportedError (see its README). Default true.
   */
  readonly atomicMultiStreamAppend?: boolean;
}

async function take(iterable: AsyncIterable<StoredEvent>, count: number): Promise<StoredEvent[]> {
  const taken: StoredEvent[] = [];
  if (count === 0) return taken;
  for await (const event of iterable) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

/**
 * The behaviour every EventStore adapter must have (ARCHITECTURE §3, §5). XC-01: append-only, ordered, hash-chained,
 * idempotent by event id, conflicts typed and never overwritten. Its appendMany cases, run last:
 * eventStoreContract.appendMany.ts.
 */
export function eventStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const open = async (): Promise<{ store: EventStore; stream: (label: string) => string; uniqueIds: boolean; atomicMany: boolean }> => {
      current = await makeStore();
      const prefix = current.streamPrefix ?? "";
      return {
        store: current.store,
        stream: (label) => `${prefix}${label}-${uuidv7()}`,
        uniqueIds: current.idsUniqueAcrossStreams ?? true,
        atomicMany: current.atomicMultiStreamAppend ?? true,
      };
    };
    it("appends to a new stream with revisions 0..n-1, increasing positions and a hash chain", async () => {
      const { store, stream } = await open();
      const s = stream("consult");
      const result = await store.append(s, [newEvent("A", { n: 1 }), newEvent("B", { n: 2 })], "no_stream");
      expect(result.duplicate).toBe(false);
      expect(result.nextExpectedRevision).toBe(1);
      expect(result.events.map((e) => [e.streamId, e.revision, e.type])).toEqual([
        [s, 0, "A"],
        [s, 1, "B"],
      ]);
      const [first, second] = result.events;
      expect(first!.position).toBeGreaterThan(START);
      expect(second!.position).toBeGreaterThan(first!.position);
      expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(second!.prevHash).toBe(first!.hash);
      expect(await store.readStream(s)).toEqual(result.events);
    });

    it("round-trips data and metadata exactly, Chinese text and nested values included", async () => {
      const { store, stream } = await open();
      const s = stream("record");
      const data = { name: "张三", nested: { list: [1, 2.5, -3, true, null, "复诊"], empty: {} }, big: 9007199254740991 };
      const event = { ...newEvent("RecordWritten", data), metadata: { ...newEvent("x").metadata, profileVersion: "tianjin@2026-01" } };
      await store.append(s, [event], "no_stream");
      const [stored] = await store.readStream(s);
      expect(stored!.data).toEqual(data);
      expect(stored!.metadata).toEqual(event.metadata);
      expect(stored!.schemaVersion).toBe(1);
      expect(Number.isNaN(Date.parse(stored!.recordedAt))).toBe(false);
    });

    it("refuses a wrong expected revision with a typed conflict and writes nothing", async () => {
      const { store, stream } = await open();
      const s = stream("rx");
      await store.append(s, [newEvent("A")], "no_stream");
      const stale = store.append(s, [newEvent("B")], "no_stream");
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(stale).rejects.toMatchObject({ streamId: s, actual: 0 });
      await expect(store.append(s, [newEvent("B")], 5)).rejects.toMatchObject({ actual: 0 });
      await expect(store.append(stream("missing"), [newEvent("C")], 0)).rejects.toMatchObject({ actual: -1 });
      expect(await store.readStream(s)).toHaveLength(1);
      const ok = await store.append(s, [newEvent("B")], 0);
      expect(ok.nextExpectedRevision).toBe(1);
      await store.append(s, [newEvent("C")], "any");
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(["A", "B", "C"]);
    });

    it("reads a stream's tail after a revision: what a reader holding the head is missing, nothing of other streams", async () => {
      const { store, stream } = await open();
      const s = stream("tail");
      await store.append(s, [newEvent("A"), newEvent("B")], "no_stream");
      await store.append(stream("beside"), [newEvent("X")], "no_stream");
      await store.append(s, [newEvent("C")], 1);
      const whole = await store.readStream(s);
      expect(await store.readStream(s, { after: -1 })).toEqual(whole);
      expect(await store.readStream(s, { after: 0 })).toEqual(whole.slice(1));
      expect((await store.readStream(s, { after: 1 })).map((e) => [e.type, e.revision])).toEqual([["C", 2]]);
      expect(await store.readStream(s, { after: 2 })).toEqual([]);
      expect(await store.readStream(stream("missing"), { after: 0 })).toEqual([]);
    });

    it("reads only a stream's last event when asked, whatever its length; none for a stream that has none", async () => {
      const { store, stream } = await open();
      const s = stream("last");
      await store.append(s, [newEvent("A"), newEvent("B")], "no_stream");
      await store.append(stream("beside"), [newEvent("X")], "no_stream");
      await store.append(s, [newEvent("C")], 1);
      const whole = await store.readStream(s);
      expect(await store.readStream(s, { last: true })).toEqual(whole.slice(-1));
      expect(await store.readStream(s, { last: true, after: 0 })).toEqual(whole.slice(-1));
      expect(await store.readStream(stream("missing"), { last: true })).toEqual([]);
    });

    it("lets exactly one of several concurrent appends at the same revision win", async () => {
      const { store, stream } = await open();
      const s = stream("race");
      await store.append(s, [newEvent("Created")], "no_stream");
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.append(s, [newEvent("Changed", { i })], 0)),
      );
      expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
      for (const attempt of attempts) {
        if (attempt.status === "rejected") expect(attempt.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it("treats re-appending stored event ids as a repeat: same result, nothing added", async () => {
      const { store, stream } = await open();
      const s = stream("idem");
      const events = [newEvent("A"), newEvent("B")];
      const first = await store.append(s, events, "no_stream");
      await store.append(s, [newEvent("C")], 1);
      const again = await store.append(s, events, "no_stream");
      expect(again.duplicate).toBe(true);
      expect(again.events).toEqual(first.events);
      expect(await store.readStream(s)).toHaveLength(3);
    });

    it("refuses a partial repeat or an id stored in another stream, writing nothing", async () => {
      const { store, stream, uniqueIds } = await open();
      const s = stream("dup");
      const a = newEvent("A");
      await store.append(s, [a], "no_stream");
      await expect(store.append(s, [a, newEvent("B")], 0)).rejects.toBeInstanceOf(DuplicateEventIdError);
      if (uniqueIds) {
        await expect(store.append(stream("other"), [a], "no_stream")).rejects.toBeInstanceOf(DuplicateEventIdError);
      }
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it("refuses malformed appends with INVALID_APPEND and writes nothing", async () => {
      const { store, stream } = await open();
      const s = stream("bad");
      const dupe = newEvent("A");
      const bad: Array<[string, NewEvent[]]> = [
        ["", [newEvent("A")]],
        [s, []],
        [s, [dupe, dupe]],
        [s, [newEvent("A", { n: Number.NaN })]],
        [s, [{ ...newEvent("A"), type: "" }]],
        [s, [{ ...newEvent("A"), schemaVersion: 0 }]],
      ];
      for (const [streamId, events] of bad) {
        await expect(store.append(streamId, events, "any")).rejects.toBeInstanceOf(InvalidAppendError);
      }
      expect(await store.readStream(s)).toEqual([]);
    });

    it("reads an unknown stream as empty and pages through the whole log in order", async () => {
      const { store, stream } = await open();
      expect(await store.readStream(stream("nobody"))).toEqual([]);
      const s1 = stream("one");
      const s2 = stream("two");
      await store.append(s1, [newEvent("A1"), newEvent("A2")], "no_stream");
      await store.append(s2, [newEvent("B1")], "no_stream");
      await store.append(s1, [newEvent("A3")], 1);
      const all = await store.readAll({ limit: 10 });
      expect(all.map((e) => e.type)).toEqual(["A1", "A2", "B1", "A3"]);
      const firstPage = await store.readAll({ limit: 2 });
      const rest = await store.readAll({ after: firstPage.at(-1)!.position, limit: 10 });
      expect([...firstPage, ...rest]).toEqual(all);
      // No silent default page: a caller without types that leaves the limit out is refused, not given some of the log.
      for (const bad of [{}, { limit: -1 }, { limit: 1.5 }, { limit: Number.NaN }]) {
        await expect(store.readAll(bad as ReadAllOptions)).rejects.toThrow(RangeError);
      }
    });

    it("subscribes from a checkpoint: catches up, then goes live, each event once and in order", async () => {
      const { store, stream } = await open();
      const s = stream("live");
      await store.append(s, [newEvent("E0"), newEvent("E1"), newEvent("E2")], "no_stream");
      const controller = new AbortController();
      const iterator = store.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
      const seen: StoredEvent[] = [];
      for (let i = 0; i < 3; i++) seen.push((await iterator.next()).value as StoredEvent);
      const pendingNext = iterator.next();
      await store.append(s, [newEvent("E3"), newEvent("E4")], 2);
      seen.push((await pendingNext).value as StoredEvent);
      seen.push((await iterator.next()).value as StoredEvent);
      expect(seen.map((e) => e.type)).toEqual(["E0", "E1", "E2", "E3", "E4"]);
      controller.abort();
      expect((await iterator.next()).done).toBe(true);

      const resumed = await take(store.subscribe({ after: seen[2]!.position }), 2);
      expect(resumed.map((e) => e.type)).toEqual(["E3", "E4"]);
    });

    it("delivers to a live subscriber everything appended concurrently, with no gap and no duplicate", async () => {
      const { store, stream } = await open();
      const streams = Array.from({ length: 8 }, (_, i) => stream(`w${i}`));
      const received = take(store.subscribe(), 8 * 10);
      await Promise.all(
        streams.map(async (s) => {
          let revision: number | "no_stream" = "no_stream";
          for (let i = 0; i < 10; i++) revision = (await store.append(s, [newEvent("Tick", { i })], revision)).nextExpectedRevision;
        }),
      );
      const events = await received;
      const positions = events.map((e) => e.position);
      expect(new Set(events.map((e) => e.id)).size).toBe(80);
      expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
      expect(events).toEqual(await store.readAll({ limit: 1_000 }));
    });

    it("verifies the hash chain of a log written by many streams", async () => {
      const { store, stream } = await open();
      const empty = await store.verify();
      expect(empty).toMatchObject({ ok: true, checked: 0 });
      for (let i = 0; i < 5; i++) {
        await store.append(stream(`v${i}`), [newEvent("A", { i }), newEvent("B", { i })], "no_stream");
      }
      const result = await store.verify();
      expect(result).toMatchObject({ ok: true, checked: 10 });
      const all = await store.readAll({ limit: 100 });
      expect(result.ok && result.lastPosition).toBe(all.at(-1)!.position);
      // Chain shape depends on the adapter (global for SQLite, per stream for KurrentDB); both start at genesis.
      expect(all[0]!.prevHash).toBe(GENESIS_HASH);
    });

    appendManyContract(open);
  });
}
