import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createKeyRing, ERASED, type KeyRing, openKeyFileCustody, sealedEventStore, type SealingPolicy } from "../src/index.js";
import { OpenedEvents } from "../src/openedEvents.js";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";
import { metadata } from "./support/eventMetadata.js";

const policy: SealingPolicy = {
  events: { MessagePosted: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["text", "detail.notes[]"] } },
};
const posted = (text: string, patientId = "p-1") => ({
  id: uuidv7(),
  type: "MessagePosted",
  schemaVersion: 1,
  data: { patientId, text, detail: { notes: [`${text} note`], kept: { as: "is" } } },
  metadata,
});
const erasure = { subject: "p-1", retentionClass: "clinical", approvalRef: "approval-1", metadata, eventId: uuidv7() };

let folder: string;
let clock = 0;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "ihp-opened-events-"));
  await mkdir(join(folder, "data"));
  clock = 1_000_000;
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** One process's view of the shared files; counts the values its key ring opens. */
async function openProcess() {
  const custody = await openKeyFileCustody({ path: join(folder, "config", "master.json"), dataDir: join(folder, "data") });
  const keys = openSqliteDataKeyStore(join(folder, "data", "keys.sqlite"));
  const ring = createKeyRing({ custody, store: keys, now: () => clock });
  const opens = { count: 0 };
  const counting: KeyRing = { ...ring, open: (...args) => ((opens.count += 1), ring.open(...args)) };
  const raw = SqliteEventStore.open({ path: join(folder, "data", "consult-events.sqlite") });
  const log = sealedEventStore(raw, { ring: counting, keys, policy, fenceTtlMs: 5_000, now: () => clock });
  return { log, raw, opens, close: async () => (await log.close(), await keys.close()) };
}

async function firstOf(events: AsyncIterable<StoredEvent>, count: number): Promise<StoredEvent[]> {
  const seen: StoredEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
}

describe("events this process wrote or opened are not opened again (issue 15)", () => {
  it("a subscriber and a read get what this process wrote in clear without opening it; the log holds it sealed", async () => {
    const { log, raw, opens, close } = await openProcess();
    const data = posted("secret").data;
    const frozen = JSON.parse(JSON.stringify(data)) as typeof data;
    await log.append("consult-1", [{ ...posted("secret"), data: deepFreeze(frozen) }], "no_stream");
    // The writer's data is not changed by sealing (only what is on a sealed path is copied).
    expect(frozen).toEqual(data);
    const [subscribed] = await firstOf(log.subscribe(), 1);
    expect(subscribed?.data).toEqual(data);
    expect((await log.readAll({ limit: 10 }))[0]?.data).toEqual(data);
    expect((await log.readStream("consult-1"))[0]?.data).toEqual(data);
    expect(opens.count).toBe(0);
    const [stored] = await raw.readStream("consult-1");
    expect(stored?.data.text).toMatch(/^ihp-sealed\/1:/);
    expect((stored?.data.detail as { notes: string[] }).notes[0]).toMatch(/^ihp-sealed\/1:/);
    await close();
  });

  it("another process opens an event once, then serves it to every subscriber and read", async () => {
    const writer = await openProcess();
    const reader = await openProcess();
    await writer.log.append("consult-1", [posted("one")], "no_stream");
    const first = await firstOf(reader.log.subscribe(), 1);
    const second = await firstOf(reader.log.subscribe(), 1);
    expect(await reader.log.readAll({ limit: 10 })).toEqual(first);
    expect(second).toEqual(first);
    expect(first[0]?.data).toEqual(posted("one").data);
    // Two sealed values, opened once.
    expect(reader.opens.count).toBe(2);
    await writer.close();
    await reader.close();
  });

  it("an erasure in this process shows at once on every read path; one in another process within the fence's TTL (REC-03)", async () => {
    const here = await openProcess();
    const there = await openProcess();
    await here.log.append("consult-1", [posted("secret")], "no_stream");
    expect((await firstOf(there.log.subscribe(), 1))[0]?.data.text).toBe("secret");
    expect((await firstOf(here.log.subscribe(), 1))[0]?.data.text).toBe("secret");

    await here.log.erase(erasure);
    expect((await firstOf(here.log.subscribe(), 1))[0]?.data).toMatchObject({ text: ERASED, detail: { notes: [ERASED], kept: { as: "is" } } });
    expect((await here.log.readAll({ limit: 10 }))[0]?.data.text).toBe(ERASED);
    // The other process trusted its fence, read at its open, until the TTL has passed since then.
    clock += 4_999;
    expect((await firstOf(there.log.subscribe(), 1))[0]?.data.text).toBe("secret");
    clock += 1;
    expect((await firstOf(there.log.subscribe(), 1))[0]?.data.text).toBe(ERASED);
    await here.close();
    await there.close();
  });

  it("an event opened late under an older fence is held only until that fence's TTL, not for a TTL from its open", async () => {
    const writer = await openProcess();
    const reader = await openProcess();
    await writer.log.append("consult-1", [posted("one")], "no_stream");
    await reader.log.readStream("consult-1"); // reads the fence at 1,000,000
    await writer.log.append("consult-2", [posted("two")], "no_stream");
    clock += 4_000;
    await firstOf(reader.log.subscribe(), 2);
    const opened = reader.opens.count;
    clock += 999;
    await firstOf(reader.log.subscribe(), 2);
    expect(reader.opens.count).toBe(opened);
    clock += 1;
    await firstOf(reader.log.subscribe(), 2);
    expect(reader.opens.count).toBeGreaterThan(opened);
    await writer.close();
    await reader.close();
  });

  it("a sealed value written again as it was is opened on read, as before: another event's value is still rejected", async () => {
    const { log, raw, close } = await openProcess();
    await log.append("consult-1", [posted("secret")], "no_stream");
    const [original] = await raw.readStream("consult-1");
    await log.append("consult-2", [{ ...posted("x"), data: { ...posted("x").data, text: original?.data.text ?? "" } }], "no_stream");
    await expect(log.readStream("consult-2")).rejects.toMatchObject({ code: "SEALED_VALUE_REJECTED" });
    await expect(firstOf(log.subscribe({ after: 1n }), 1)).rejects.toMatchObject({ code: "SEALED_VALUE_REJECTED" });
    await close();
  });

  it("the writer cannot change what later readers get by changing its data after the append: it is frozen", async () => {
    const writer = await openProcess();
    const reader = await openProcess();
    const event = posted("secret");
    const { data } = event;
    await writer.log.append("consult-1", [event], "no_stream");
    // ESM is strict mode: writing to a frozen object throws instead of being ignored.
    expect(() => (data.text = "changed")).toThrow(TypeError);
    expect(() => data.detail.notes.push("added")).toThrow(TypeError);
    expect(() => (data.detail.kept.as = "changed")).toThrow(TypeError);
    const clear = posted("secret").data;
    expect((await writer.log.readStream("consult-1"))[0]?.data).toEqual(clear);
    expect((await firstOf(writer.log.subscribe(), 1))[0]?.data).toEqual(clear);
    // What another process opens is frozen too: a reader cannot change it for the readers after it.
    const [opened] = await firstOf(reader.log.subscribe(), 1);
    expect(() => ((opened?.data.detail as { kept: { as: string } }).kept.as = "changed")).toThrow(TypeError);
    expect((await reader.log.readAll({ limit: 10 }))[0]?.data).toEqual(clear);
    await writer.close();
    await reader.close();
  });

  it("nor while the append is in flight: what is held is what was sealed", async () => {
    const { log, raw, close } = await openProcess();
    const event = posted("secret");
    const append = raw.append.bind(raw);
    let change: unknown;
    const landed = vi.spyOn(raw, "append").mockImplementation(async (...args) => {
      // The writer changes its object after its values were sealed, before the sealed store holds it.
      try {
        event.data.text = "changed";
      } catch (error) {
        change = error;
      }
      return append(...args);
    });
    await log.append("consult-1", [event], "no_stream");
    landed.mockRestore();
    expect((await log.readStream("consult-1"))[0]?.data.text).toBe("secret");
    expect(change).toBeInstanceOf(TypeError);
    await close();
  });

  it("an erasure during an append holds nothing of it", async () => {
    const { log, raw, close } = await openProcess();
    await log.append("consult-0", [posted("before", "p-2")], "no_stream");
    const append = raw.append.bind(raw);
    const landed = vi.spyOn(raw, "append").mockImplementation(async (...args) => {
      const result = await append(...args);
      if (args[0] === "consult-1") await log.erase(erasure);
      return result;
    });
    await log.append("consult-1", [posted("secret")], "no_stream");
    expect(landed).toHaveBeenCalled();
    landed.mockRestore();
    // Held, the writer's clear data would have been answered.
    expect((await log.readStream("consult-1"))[0]?.data.text).toBe(ERASED);
    expect((await log.readAll({ limit: 10 })).map((event) => event.data.text)).toEqual(["before", ERASED, undefined]);
    await close();
  });
});

describe("OpenedEvents", () => {
  const stored = (position: bigint, hash: string) => ({ position, hash }) as unknown as StoredEvent;

  it("answers only for the same stored event, within the TTL from its fence, and not after clear()", () => {
    let time = 0;
    const held = new OpenedEvents(10, 5_000, () => time);
    const epoch = held.current;
    held.put(stored(1n, "a"), { text: "one" }, 0, epoch);
    expect(held.get(stored(1n, "a"))).toEqual({ text: "one" });
    expect(held.get(stored(1n, "b"))).toBeUndefined();
    expect(held.get(stored(2n, "a"))).toBeUndefined();
    time = 4_999;
    expect(held.get(stored(1n, "a"))).toEqual({ text: "one" });
    // A fence read 5 s ago or more holds nothing.
    held.put(stored(2n, "b"), { text: "two" }, -1, held.current);
    expect(held.get(stored(2n, "b"))).toBeUndefined();
    time = 5_000;
    expect(held.get(stored(1n, "a"))).toBeUndefined();
    held.put(stored(3n, "c"), { text: "three" }, time, epoch);
    held.clear();
    expect(held.get(stored(3n, "c"))).toBeUndefined();
    // A put that began before the clear() holds nothing.
    held.put(stored(3n, "c"), { text: "three" }, time, epoch);
    expect(held.size).toBe(0);
  });

  it("hands out data that cannot be changed, nested objects and arrays too, held or not", () => {
    const held = new OpenedEvents(10, 5_000, () => 0);
    const data = { text: "one", detail: { notes: ["a"], kept: { as: "is" } } };
    held.put(stored(1n, "a"), data, 0, held.current);
    const got = held.get(stored(1n, "a"))!;
    expect(() => (got.text = "two")).toThrow(TypeError);
    expect(() => delete got.text).toThrow(TypeError);
    expect(() => (got.added = "two")).toThrow(TypeError);
    expect(() => (got.detail as { notes: string[] }).notes.push("b")).toThrow(TypeError);
    expect(() => ((got.detail as { kept: { as: string } }).kept.as = "was")).toThrow(TypeError);
    expect(held.get(stored(1n, "a"))).toEqual({ text: "one", detail: { notes: ["a"], kept: { as: "is" } } });
    // Not held (keeps nothing): frozen all the same, so a change fails whatever the cache's size.
    const unheld = { detail: { notes: ["a"] } };
    new OpenedEvents(0, 5_000, () => 0).put(stored(1n, "a"), unheld, 0, 0);
    expect(() => unheld.detail.notes.push("b")).toThrow(TypeError);
  });

  it("holds at most maxEvents, oldest out first, and sweeps what expired when idle", () => {
    let time = 0;
    vi.useFakeTimers();
    try {
      const held = new OpenedEvents(2, 5_000, () => time);
      for (const position of [1n, 2n, 3n]) held.put(stored(position, "h"), {}, time, held.current);
      expect(held.size).toBe(2);
      expect(held.get(stored(1n, "h"))).toBeUndefined();
      time = 5_000;
      vi.advanceTimersByTime(5_000);
      expect(held.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
