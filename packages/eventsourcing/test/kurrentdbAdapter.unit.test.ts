// The KurrentDB adapter's own logic (idempotency, conflicts, prefix isolation, paging, subscriptions, verify) against
// an in-memory fake of the client. It models documented KurrentDB behaviour; the real thing is covered by
// kurrentdb.contract.test.ts when KURRENTDB_URL is set.
import {
  InvalidAppendError,
  StoreClosedError,
  WrongExpectedRevisionError,
  type StoredEvent,
} from "@ihp/eventsourcing";
import { KurrentDbEventStore } from "@ihp/eventsourcing/kurrentdb";
import { eventStoreContract, newEvent } from "@ihp/testing";
import { describe, expect, it } from "vitest";

import { FakeKurrentClient } from "./kurrentdbFakeClient.js";

const PREFIX = "svc-";

function open(): { client: FakeKurrentClient; store: KurrentDbEventStore } {
  const client = new FakeKurrentClient();
  let tick = Date.parse("2026-11-23T08:00:00.000Z");
  // A clock that moves on every read, so two appends never hash alike by accident.
  const store = KurrentDbEventStore.withClient(client, { streamPrefix: PREFIX, clock: () => new Date(tick++) });
  return { client, store };
}

describe("KurrentDB adapter (fake client)", () => {
  it("sees only its own streams: others' and KurrentDB's are invisible, and appends outside the prefix refused", async () => {
    const { store } = open();
    await store.append("svc-a-1", [newEvent("A")], "no_stream");
    expect((await store.readAll({ limit: 10 })).map((e) => e.streamId)).toEqual(["svc-a-1"]);
    expect(await store.verify()).toMatchObject({ ok: true, checked: 1 });
    await expect(store.append("other-service-1", [newEvent("A")], "any")).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.readStream("other-service-1")).rejects.toThrow(RangeError);
    expect(() => KurrentDbEventStore.withClient(new FakeKurrentClient(), { streamPrefix: "$all" })).toThrow(RangeError);
  });

  it("returns a concurrent identical append as a repeat when KurrentDB acknowledges it without writing", async () => {
    const { store } = open();
    const events = [newEvent("A"), newEvent("B")];
    const [first, second] = await Promise.all([
      store.append("svc-idem-1", events, "no_stream"),
      store.append("svc-idem-1", events, "no_stream"),
    ]);
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    expect(second.events).toEqual(first.events);
    expect(await store.readStream("svc-idem-1")).toEqual(first.events);
  });

  it('re-chains an "any" append on the new tail when other writers got in first', async () => {
    const { client, store } = open();
    await store.append("svc-any-1", [newEvent("A")], "no_stream");
    intrude(client, "svc-any-1", 2);
    const result = await store.append("svc-any-1", [newEvent("Mine")], "any");
    expect(result.duplicate).toBe(false);
    const stream = await store.readStream("svc-any-1");
    expect(stream.map((e) => e.type)).toEqual(["A", "Intruder", "Intruder", "Mine"]);
    expect(result.events).toEqual(stream.slice(3));
    expect(await store.verify()).toMatchObject({ ok: true, checked: 4 });
  });

  it("refuses a stated revision that a concurrent writer made stale, with the new actual revision", async () => {
    const { client, store } = open();
    await store.append("svc-race-1", [newEvent("A")], "no_stream");
    intrude(client, "svc-race-1", 1);
    await expect(store.append("svc-race-1", [newEvent("Mine")], 0)).rejects.toMatchObject({
      name: "WrongExpectedRevisionError",
      actual: 1,
    });
    expect((await store.readStream("svc-race-1")).map((e) => e.type)).toEqual(["A", "Intruder"]);
  });

  it("pages through more than one KurrentDB read page in $all order, and verifies across pages", async () => {
    const { store } = open();
    let revision: number | "no_stream" = "no_stream";
    for (let batch = 0; batch < 11; batch++) {
      const events = Array.from({ length: 110 }, (_, i) => newEvent("Tick", { n: batch * 110 + i }));
      revision = (await store.append("svc-long-1", events, revision)).nextExpectedRevision;
    }
    const first = await store.readAll({ limit: 1_100 });
    const rest = await store.readAll({ after: first.at(-1)!.position, limit: 1_000 });
    expect(first).toHaveLength(1_100);
    expect(rest).toHaveLength(110);
    expect([...first, ...rest].map((e) => e.data["n"])).toEqual(Array.from({ length: 1_210 }, (_, i) => i));
    expect(await store.verify()).toMatchObject({ ok: true, checked: 1_210 });
  });

  it("resumes a subscription exactly after a checkpoint inside a multi-event append (shared commit position)", async () => {
    const { store } = open();
    await store.append("svc-sub-1", [newEvent("E0"), newEvent("E1"), newEvent("E2")], "no_stream");
    const all = await store.readAll({ limit: 10 });
    const resumed: StoredEvent[] = [];
    const controller = new AbortController();
    for await (const event of store.subscribe({ after: all[0]!.position, signal: controller.signal })) {
      resumed.push(event);
      if (resumed.length === 2) controller.abort();
    }
    expect(resumed.map((e) => e.type)).toEqual(["E1", "E2"]);
  });

  it("ends live subscriptions and disposes the client on close, and refuses use afterwards", async () => {
    const { client, store } = open();
    const idle = store.subscribe();
    const live = store.subscribe()[Symbol.asyncIterator]();
    const pending = live.next();
    await Promise.resolve();
    expect(client.subscriberCount()).toBe(1); // the iterator never pulled opened nothing
    await store.close();
    expect((await pending).done).toBe(true);
    expect(client.subscriberCount()).toBe(0);
    expect(client.disposed).toBe(true);
    expect((await idle[Symbol.asyncIterator]().next()).done).toBe(true);
    await expect(store.append("svc-x-1", [newEvent("A")], "any")).rejects.toBeInstanceOf(StoreClosedError);
    expect((await store.subscribe()[Symbol.asyncIterator]().next()).done).toBe(true);
  });

  it("names tampered and removed events in verify", async () => {
    const tampered = open();
    await tampered.store.append("svc-v-1", [newEvent("A"), newEvent("B")], "no_stream");
    tampered.client.tamper("svc-v-1", 1, '{"forged":true}');
    const all = await tampered.store.readAll({ limit: 10 });
    expect(await tampered.store.verify()).toEqual({ ok: false, checked: 1, position: all[1]!.position, reason: "HASH_MISMATCH" });

    const truncated = open();
    await truncated.store.append("svc-v-1", [newEvent("A"), newEvent("B")], "no_stream");
    await truncated.store.append("svc-v-2", [newEvent("C")], "no_stream");
    truncated.client.remove("svc-v-1", 0);
    expect(await truncated.store.verify()).toMatchObject({ ok: false, checked: 0, reason: "CHAIN_BROKEN" });
  });

  it('gives up an "any" append after a bounded number of conflicts', async () => {
    const { client, store } = open();
    await store.append("svc-hot-1", [newEvent("A")], "no_stream");
    intrude(client, "svc-hot-1", Number.POSITIVE_INFINITY);
    await expect(store.append("svc-hot-1", [newEvent("Mine")], "any")).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream("svc-hot-1")).map((e) => e.type)).not.toContain("Mine");
  });
});

/** Before each of the next `times` appends, another writer appends to `streamId` (after the store's read). */
function intrude(client: FakeKurrentClient, streamId: string, times: number): void {
  const other = KurrentDbEventStore.withClient(client, { streamPrefix: PREFIX });
  let remaining = times;
  let busy = false;
  client.beforeAppend = async () => {
    if (busy || remaining <= 0) return;
    busy = true;
    remaining--;
    try {
      await other.append(streamId, [newEvent("Intruder")], "any");
    } finally {
      busy = false;
    }
  };
}

// The whole port contract against the fake too: the same suite the SQLite adapter passes, less the cross-stream id
// check KurrentDB cannot make.
eventStoreContract("KurrentDB adapter on the in-memory fake client", () => {
  let tick = Date.parse("2026-11-23T08:00:00.000Z");
  const store = KurrentDbEventStore.withClient(new FakeKurrentClient(), {
    streamPrefix: PREFIX,
    clock: () => new Date(tick++),
  });
  return Promise.resolve({ store, cleanup: () => store.close(), streamPrefix: PREFIX, idsUniqueAcrossStreams: false, atomicMultiStreamAppend: false });
});
