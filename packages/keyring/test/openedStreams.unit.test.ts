import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventStore, type ReadStreamOptions, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createKeyRing, ERASED, openKeyFileCustody, sealedEventStore, type SealingPolicy } from "../src/index.js";
import { OpenedStreams } from "../src/openedStreams.js";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";
import { metadata } from "./support/eventMetadata.js";

const policy: SealingPolicy = {
  events: { MessagePosted: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["text"] } },
};
const posted = (text: string) => ({ id: uuidv7(), type: "MessagePosted", schemaVersion: 1, data: { patientId: "p-1", text }, metadata });
const erasure = { subject: "p-1", retentionClass: "clinical", approvalRef: "approval-1", metadata, eventId: uuidv7() };

let folder: string;
let clock = 0;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "ihp-opened-streams-"));
  await mkdir(join(folder, "data"));
  clock = 1_000_000;
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** One process's view of the shared files: its own key ring, sealed store and cache; counts the rows it reads. */
async function openProcess(openedStreamEvents?: number) {
  const custody = await openKeyFileCustody({ path: join(folder, "config", "master.json"), dataDir: join(folder, "data") });
  const keys = openSqliteDataKeyStore(join(folder, "data", "keys.sqlite"));
  const ring = createKeyRing({ custody, store: keys, now: () => clock });
  const raw = SqliteEventStore.open({ path: join(folder, "data", "consult-events.sqlite") });
  const reads: number[] = [];
  const counted: EventStore = {
    ...raw,
    append: raw.append.bind(raw),
    appendMany: raw.appendMany.bind(raw),
    readAll: raw.readAll.bind(raw),
    subscribe: raw.subscribe.bind(raw),
    verify: raw.verify.bind(raw),
    close: raw.close.bind(raw),
    async readStream(streamId: string, options?: ReadStreamOptions) {
      const events = await raw.readStream(streamId, options);
      if (streamId.startsWith("consult-")) reads.push(events.length);
      return events;
    },
  };
  const log = sealedEventStore(counted, { ring, keys, policy, fenceTtlMs: 5_000, now: () => clock, ...(openedStreamEvents === undefined ? {} : { openedStreamEvents }) });
  return { log, reads, close: async () => (await log.close(), await keys.close()) };
}

describe("a stream read again costs its new events, not the whole stream (issue 15)", () => {
  it("reads only the tail of a stream it read within the fence's TTL, and answers what a full read answers", async () => {
    const { log, reads, close } = await openProcess();
    await log.append("consult-1", [posted("one"), posted("two"), posted("three")], "no_stream");
    expect((await log.readStream("consult-1")).map((e) => e.data.text)).toEqual(["one", "two", "three"]);
    await log.append("consult-1", [posted("four")], 2);
    const again = await log.readStream("consult-1");
    expect(again.map((e) => [e.data.text, e.revision])).toEqual([["one", 0], ["two", 1], ["three", 2], ["four", 3]]);
    expect(await log.readStream("consult-1")).toEqual(again);
    expect(reads).toEqual([3, 1, 0]);
    // Once the TTL has passed, the whole stream is read and opened again.
    clock += 5_000;
    expect(await log.readStream("consult-1")).toEqual(again);
    expect(reads.at(-1)).toBe(4);
    await close();
  });

  it("hands a stream out frozen: a reader cannot change it for the readers after it, sealed or not", async () => {
    const { log, close } = await openProcess();
    const noted = { id: uuidv7(), type: "NoteAdded", schemaVersion: 1, data: { tags: ["a"], by: { role: "nurse" } }, metadata };
    await log.append("consult-1", [posted("one"), noted], "no_stream");
    const first = await log.readStream("consult-1");
    const [sealed, plain] = first as StoredEvent[];
    expect(() => (sealed!.data.text = "changed")).toThrow(TypeError);
    // A type nothing seals comes from the store as it is: held, it is shared all the same.
    expect(() => (plain!.data.tags as string[]).push("b")).toThrow(TypeError);
    expect(() => ((plain!.data.by as { role: string }).role = "physician")).toThrow(TypeError);
    expect(() => ((plain!.metadata as { actorId: string }).actorId = "someone")).toThrow(TypeError);
    expect(() => (first as StoredEvent[]).reverse()).toThrow(TypeError);
    const again = await log.readStream("consult-1");
    expect(again).toBe(first);
    expect(again.map((event) => event.data)).toEqual([posted("one").data, noted.data]);
    await close();
  });

  it("keeps nothing past the TTL: a stream not read for that long leaves at the next read of another", async () => {
    const streams = new OpenedStreams(100, 5_000, () => clock);
    const two = [{ revision: 0 }, { revision: 1 }] as unknown as StoredEvent[];
    await streams.read("a", () => Promise.resolve(two), (events) => Promise.resolve(events));
    clock += 4_000;
    await streams.read("b", () => Promise.resolve(two), (events) => Promise.resolve(events));
    expect(streams.heldEvents).toBe(4);
    clock += 1_000;
    await streams.read("b", () => Promise.resolve([]), (events) => Promise.resolve(events));
    expect(streams.heldEvents).toBe(2);
  });

  it("keeps nothing past the TTL when idle either: the sweep drops what was opened that long ago", async () => {
    const streams = new OpenedStreams(100, 5_000, () => clock);
    const two = [{ revision: 0 }, { revision: 1 }] as unknown as StoredEvent[];
    await streams.read("a", () => Promise.resolve(two), (events) => Promise.resolve(events));
    clock += 3_000;
    await streams.read("b", () => Promise.resolve(two), (events) => Promise.resolve(events));
    clock += 2_000;
    streams.sweep();
    expect(streams.heldEvents).toBe(2);
    clock += 3_000;
    streams.sweep();
    expect(streams.heldEvents).toBe(0);
    // The sweep runs by itself every TTL while anything is held.
    vi.useFakeTimers();
    try {
      await streams.read("c", () => Promise.resolve(two), (events) => Promise.resolve(events));
      clock += 5_000;
      vi.advanceTimersByTime(5_000);
      expect(streams.heldEvents).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("holds at most the configured number of events: a longer stream is read in full every time", async () => {
    const { log, reads, close } = await openProcess(2);
    await log.append("consult-1", [posted("one"), posted("two"), posted("three")], "no_stream");
    await log.readStream("consult-1");
    await log.readStream("consult-1");
    expect(reads).toEqual([3, 3]);
    await close();
  });

  it("an erasure in this process shows at once; one in another process within the fence's TTL (REC-03)", async () => {
    const here = await openProcess();
    const there = await openProcess();
    await here.log.append("consult-1", [posted("secret")], "no_stream");
    await here.log.append("consult-2", [{ ...posted("other"), data: { patientId: "p-1", text: "other" } }], "no_stream");
    expect((await here.log.readStream("consult-1"))[0]?.data.text).toBe("secret");
    expect((await there.log.readStream("consult-2"))[0]?.data.text).toBe("other");

    await here.log.erase(erasure);
    expect((await here.log.readStream("consult-1"))[0]?.data.text).toBe(ERASED);
    clock += 5_000;
    expect((await there.log.readStream("consult-2"))[0]?.data.text).toBe(ERASED);
    await here.close();
    await there.close();
  });
});
