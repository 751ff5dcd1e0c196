import {
  appendToStreams,
  DuplicateEventIdError,
  InvalidAppendError,
  isAnchorable,
  MultiStreamAppendUnsupportedError,
  WrongExpectedRevisionError,
  type EventStore,
} from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";

import { newEvent } from "./newEvent.js";
import { readWholeLog } from "./readWholeLog.js";

/** What a case gets from the contract's open(): a fresh store, unique stream ids, and whether appendMany is atomic. */
export interface OpenedStore {
  readonly store: EventStore;
  readonly stream: (label: string) => string;
  readonly atomicMany: boolean;
}

/**
 * The appendMany cases of eventStoreContract (which runs them for every adapter, after its own): several streams in
 * one call, written whole or refused whole; an adapter that cannot write several streams atomically refuses them.
 */
export function appendManyContract(open: () => Promise<OpenedStore>): void {
  describe("appendMany (several streams, one atomic call)", () => {
    it("places the parts in batch order like consecutive appends: contiguous positions, one chain, results per stream", async () => {
      const { store, stream, atomicMany } = await open();
      if (!atomicMany) return;
      const before = stream("before");
      const [s1, s2] = [stream("record"), stream("index")];
      await store.append(s2, [newEvent("Earlier")], "no_stream");
      await store.append(before, [newEvent("Before")], "no_stream");
      const head = (await readWholeLog(store)).at(-1)!;
      const results = await store.appendMany([
        { streamId: s1, events: [newEvent("A1"), newEvent("A2")], expectedRevision: "no_stream" },
        { streamId: s2, events: [newEvent("B1")], expectedRevision: 0 },
      ]);
      expect(results.map((r) => [r.duplicate, r.nextExpectedRevision])).toEqual([[false, 1], [false, 1]]);
      expect(results.flatMap((r) => r.events.map((e) => [e.streamId, e.revision, e.type]))).toEqual([
        [s1, 0, "A1"],
        [s1, 1, "A2"],
        [s2, 1, "B1"],
      ]);
      expect(await store.readStream(s1)).toEqual(results[0]!.events);
      expect((await store.readStream(s2, { after: 0 }))).toEqual(results[1]!.events);
      // Nothing between them: the batch's events follow the head as they would after three consecutive appends.
      const after = await readWholeLog(store, { after: head.position });
      expect(after).toEqual(results.flatMap((r) => r.events));
      if (isAnchorable(store)) {
        let previous = head;
        for (const event of after) {
          expect(event.position).toBe(previous.position + 1n);
          expect(event.prevHash).toBe(previous.hash);
          previous = event;
        }
        expect((await store.head()).hash).toBe(previous.hash);
      }
      expect(await store.verify()).toMatchObject({ ok: true, checked: 5 });
    });

    it("writes nothing when the second stream's revision conflicts, and names that stream; its neighbours are unaffected", async () => {
      const { store, stream, atomicMany } = await open();
      if (!atomicMany) return;
      const [s1, s2, other] = [stream("first"), stream("second"), stream("neighbour")];
      await store.append(s2, [newEvent("B0")], "no_stream");
      const logBefore = await readWholeLog(store);
      const [neighbour, batch, later] = await Promise.allSettled([
        store.append(other, [newEvent("N0")], "no_stream"),
        store.appendMany([
          { streamId: s1, events: [newEvent("A0")], expectedRevision: "no_stream" },
          { streamId: s2, events: [newEvent("B1")], expectedRevision: "no_stream" },
        ]),
        store.append(other, [newEvent("N1")], 0),
      ]);
      expect(batch.status).toBe("rejected");
      const error = (batch as PromiseRejectedResult).reason as unknown;
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId: s2, expected: "no_stream", actual: 0 });
      expect(neighbour.status).toBe("fulfilled");
      expect(later.status).toBe("fulfilled");
      expect(await store.readStream(s1)).toEqual([]);
      expect((await store.readStream(s2)).map((e) => e.type)).toEqual(["B0"]);
      const logAfter = await readWholeLog(store);
      expect(logAfter.slice(0, logBefore.length)).toEqual(logBefore);
      expect(logAfter.slice(logBefore.length).map((e) => e.type)).toEqual(["N0", "N1"]);
      // The refused batch used up no position and broke no link: the next one chains on.
      const retried = await store.appendMany([
        { streamId: s1, events: [newEvent("A0")], expectedRevision: "no_stream" },
        { streamId: s2, events: [newEvent("B1")], expectedRevision: 0 },
      ]);
      if (isAnchorable(store)) {
        expect(retried[0]!.events[0]!.position).toBe(logAfter.at(-1)!.position + 1n);
        expect(retried[0]!.events[0]!.prevHash).toBe(logAfter.at(-1)!.hash);
      }
      expect(await store.verify()).toMatchObject({ ok: true, checked: logAfter.length + 2 });
    });

    it("writes nothing when the second stream's ids are partly stored (DuplicateEventIdError naming it)", async () => {
      const { store, stream, atomicMany } = await open();
      if (!atomicMany) return;
      const [s1, s2] = [stream("first"), stream("second")];
      const stored = newEvent("B0");
      await store.append(s2, [stored], "no_stream");
      const refused = store.appendMany([
        { streamId: s1, events: [newEvent("A0")], expectedRevision: "no_stream" },
        { streamId: s2, events: [stored, newEvent("B1")], expectedRevision: 0 },
      ]);
      await expect(refused).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(refused).rejects.toMatchObject({ streamId: s2 });
      expect(await store.readStream(s1)).toEqual([]);
      expect(await readWholeLog(store)).toHaveLength(1);
    });

    it("answers a repeated batch with the stored events (duplicate, nothing written); a half-repeated one is refused", async () => {
      const { store, stream, atomicMany } = await open();
      if (!atomicMany) return;
      const [s1, s2, s3] = [stream("first"), stream("second"), stream("third")];
      const batch = [
        { streamId: s1, events: [newEvent("A0"), newEvent("A1")], expectedRevision: "no_stream" as const },
        { streamId: s2, events: [newEvent("B0")], expectedRevision: "any" as const },
      ];
      const first = await store.appendMany(batch);
      await store.append(s1, [newEvent("A2")], 1);
      const again = await store.appendMany(batch);
      expect(again.map((r) => r.duplicate)).toEqual([true, true]);
      expect(again.map((r) => r.events)).toEqual(first.map((r) => r.events));
      expect(again.map((r) => r.nextExpectedRevision)).toEqual([2, 0]);
      const half = store.appendMany([batch[0]!, { streamId: s3, events: [newEvent("C0")], expectedRevision: "no_stream" }]);
      await expect(half).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(half).rejects.toMatchObject({ streamId: s1 });
      expect(await store.readStream(s3)).toEqual([]);
      expect(await readWholeLog(store)).toHaveLength(4);
      expect(await store.verify()).toMatchObject({ ok: true, checked: 4 });
    });

    it("refuses a malformed batch with INVALID_APPEND and writes nothing", async () => {
      const { store, stream } = await open();
      const [s1, s2] = [stream("first"), stream("second")];
      const shared = newEvent("A");
      const bad = [
        [],
        [{ streamId: s1, events: [newEvent("A")], expectedRevision: "any" as const }, { streamId: s1, events: [newEvent("B")], expectedRevision: "any" as const }],
        [{ streamId: s1, events: [shared], expectedRevision: "any" as const }, { streamId: s2, events: [shared], expectedRevision: "any" as const }],
        [{ streamId: s1, events: [newEvent("A")], expectedRevision: "any" as const }, { streamId: s2, events: [], expectedRevision: "any" as const }],
      ];
      for (const batch of bad) await expect(store.appendMany(batch)).rejects.toBeInstanceOf(InvalidAppendError);
      expect(await readWholeLog(store)).toEqual([]);
    });

    it("where it is not atomic, refuses several streams with MULTI_STREAM_APPEND_UNSUPPORTED before writing; appendToStreams appends them one by one", async () => {
      const { store, stream, atomicMany } = await open();
      if (atomicMany) return;
      const [s1, s2] = [stream("first"), stream("second")];
      const batch = [
        { streamId: s1, events: [newEvent("A0")], expectedRevision: "no_stream" as const },
        { streamId: s2, events: [newEvent("B0")], expectedRevision: "no_stream" as const },
      ];
      await expect(store.appendMany(batch)).rejects.toBeInstanceOf(MultiStreamAppendUnsupportedError);
      await expect(store.appendMany(batch)).rejects.toMatchObject({ code: "MULTI_STREAM_APPEND_UNSUPPORTED" });
      expect(await readWholeLog(store)).toEqual([]);
      const [one] = await store.appendMany([batch[0]!]);
      expect(one!.events.map((e) => e.type)).toEqual(["A0"]);
      const results = await appendToStreams(store, batch);
      expect(results.map((r) => r.duplicate)).toEqual([true, false]);
      expect((await readWholeLog(store)).map((e) => e.type)).toEqual(["A0", "B0"]);
    });
  });
}
