import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { WrongExpectedRevisionError, type NewEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";

// Issue 15 item 4: a file's appends are committed by the process's writer thread. What is stored must be exactly
// what the caller's-thread writer stores, every store keeps its own file and order, and refusals keep their type.

const dir = mkdtempSync(join(tmpdir(), "ihp-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clock = () => new Date("2026-12-06T08:00:00.000Z");
const event = (i: number, stream: string): NewEvent => ({
  id: `0193a8f0-0000-7000-8000-${String(i).padStart(6, "0")}${stream.length.toString().padStart(6, "0")}`,
  type: "Noted",
  schemaVersion: 1,
  data: { i, text: "每日两次" },
  metadata: { actorId: "a", actorRole: "r", tenantId: "t", correlationId: "c", causationId: "c", occurredAt: "2026-12-06T08:00:00.000Z" },
});

async function writeSome(store: SqliteEventStore, streams: readonly string[]): Promise<void> {
  await Promise.all(
    streams.map(async (stream) => {
      let revision: number | "no_stream" = "no_stream";
      for (let i = 0; i < 20; i++) revision = (await store.append(stream, [event(i, stream)], revision)).nextExpectedRevision;
    }),
  );
}

describe("SQLite writer thread", () => {
  it("XC-01: stores exactly what the caller's-thread writer stores, hash for hash", async () => {
    const threaded = SqliteEventStore.open({ path: join(dir, "thread.sqlite"), clock });
    const inline = SqliteEventStore.open({ path: join(dir, "inline.sqlite"), clock, inlineWrites: true });
    // One stream at a time: both logs then have the same order, so the same positions and hashes.
    for (const store of [threaded, inline]) for (const stream of ["a", "bb", "ccc"]) await writeSome(store, [stream]);
    const [left, right] = await Promise.all([threaded.readAll({ limit: 100 }), inline.readAll({ limit: 100 })]);
    expect(left).toHaveLength(60);
    expect(left).toEqual(right);
    expect(await threaded.verify()).toMatchObject({ ok: true, checked: 60 });
    await Promise.all([threaded.close(), inline.close()]);
  });

  it("serves several files at once, each in its own order, with conflicts refused per append", async () => {
    const stores = [0, 1, 2].map((n) => SqliteEventStore.open({ path: join(dir, `many-${n}.sqlite`) }));
    await Promise.all(stores.map((store) => writeSome(store, ["x", "yy"])));
    for (const store of stores) {
      const events = await store.readAll({ limit: 100 });
      expect(events.map((stored) => stored.position)).toEqual(events.map((_, index) => BigInt(index + 1)));
      expect(await store.verify()).toMatchObject({ ok: true, checked: 40 });
    }
    await expect(stores[0]!.append("x", [event(99, "x")], 3)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    // A closed store's file is released; the others keep writing on the same thread.
    await stores[0]!.close();
    await expect(stores[1]!.append("x", [event(99, "x")], 19)).resolves.toMatchObject({ nextExpectedRevision: 20 });
    await Promise.all(stores.slice(1).map((store) => store.close()));
  });
});
