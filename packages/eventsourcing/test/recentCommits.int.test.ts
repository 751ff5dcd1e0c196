import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

import { RecentCommits } from "../src/recentCommits.js";
import { SqliteEventStore } from "../src/sqlite/index.js";
import { START, type StoredEvent } from "../src/types.js";
import { uuidv7 } from "../src/uuidv7.js";

const metadata = { actorId: "a", actorRole: "physician", tenantId: "t", correlationId: "c", causationId: "c", occurredAt: "2026-12-07T00:00:00.000Z" };
const newEvent = (type: string) => ({ id: uuidv7(), type, schemaVersion: 1, data: { type }, metadata });
const at = (position: bigint) => ({ position }) as StoredEvent;

describe("recent commits: subscribers woken by this instance's commit read it from memory (issue 15)", () => {
  it("serves what follows a position only when the next event is held, and never past a jump in positions", () => {
    const recent = new RecentCommits(4);
    recent.add([at(5n), at(6n)]);
    expect(recent.after(4n, 10)?.map((e) => e.position)).toEqual([5n, 6n]);
    expect(recent.after(5n, 10)?.map((e) => e.position)).toEqual([6n]);
    expect(recent.after(3n, 10)).toBeUndefined(); // 4 is not held
    expect(recent.after(6n, 10)).toBeUndefined(); // at the head: another writer may have gone on
    recent.add([at(7n), at(8n), at(9n)]);
    expect(recent.after(5n, 2)?.map((e) => e.position)).toEqual([6n, 7n]);
    expect(recent.after(4n, 10)).toBeUndefined(); // 5 left: at most 4 held
    recent.add([at(12n)]); // 10 and 11 were another writer's
    expect(recent.after(9n, 10)).toBeUndefined();
    expect(recent.after(11n, 10)?.map((e) => e.position)).toEqual([12n]);
    // Many commits later: still the last 4, in order (what is dropped is compacted away as it goes).
    for (let position = 13n; position <= 40n; position++) recent.add([at(position)]);
    expect(recent.after(35n, 10)).toBeUndefined();
    expect(recent.after(36n, 10)?.map((e) => e.position)).toEqual([37n, 38n, 39n, 40n]);
  });
});

describe("a subscriber misses nothing another process wrote between this instance's commits", () => {
  let folder: string;
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("reads the other writer's events from the file, in order, with no gap", async () => {
    folder = mkdtempSync(join(tmpdir(), "ihp-recent-"));
    const path = join(folder, "events.sqlite");
    const here = SqliteEventStore.open({ path, pollIntervalMs: 20 });
    const there = SqliteEventStore.open({ path, pollIntervalMs: 20 });
    const seen: string[] = [];
    const controller = new AbortController();
    const following = (async () => {
      for await (const event of here.subscribe({ after: START, signal: controller.signal })) {
        seen.push(event.type);
        if (seen.length === 5) controller.abort();
      }
    })();
    await here.append("s-1", [newEvent("here-1")], "no_stream");
    await there.append("s-2", [newEvent("there-1")], "no_stream");
    await here.append("s-1", [newEvent("here-2")], 0);
    await there.append("s-2", [newEvent("there-2")], 0);
    await here.append("s-1", [newEvent("here-3")], 1);
    await following;
    expect(seen).toEqual(["here-1", "there-1", "here-2", "there-2", "here-3"]);
    await here.close();
    await there.close();
  });
});

describe("what a commit hands to its writer and to every subscriber is one frozen copy", () => {
  it("neither the writer after its append nor a subscriber can change the event the others read", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    const controller = new AbortController();
    const first = (async () => {
      for await (const event of store.subscribe({ after: START, signal: controller.signal })) return event;
      return undefined;
    })();
    const data = { dose: { amount: 500, unit: "mg" }, lines: ["metformin"] };
    const [appended] = (await store.append("rx-1", [{ ...newEvent("Drafted"), data }], "no_stream")).events;
    const seen = await first;
    controller.abort();
    expect(seen?.data).toBe(appended?.data); // the same objects, from memory: so they must not change
    expect(() => {
      data.dose.amount = 5000;
    }).toThrow(TypeError);
    expect(() => (seen?.data["lines"] as string[]).push("insulin")).toThrow(TypeError);
    expect(() => {
      (seen as { type: string }).type = "Voided";
    }).toThrow(TypeError);
    expect(() => {
      (seen?.metadata as { actorId: string }).actorId = "someone-else";
    }).toThrow(TypeError);
    expect((await store.readStream("rx-1"))[0]?.data).toEqual({ dose: { amount: 500, unit: "mg" }, lines: ["metformin"] });
    await store.close();
  });
});
