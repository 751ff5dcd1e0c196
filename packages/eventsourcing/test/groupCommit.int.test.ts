import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";

describe("SQLite group commit", () => {
  it("32 concurrent appends share one commit (one fsync), each still atomic and separately answered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ihp-group-"));
    const store = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
    await store.append("s-conflict", [newEvent("Created")], "no_stream");
    const before = store.stats();

    const results = await Promise.allSettled([
      ...Array.from({ length: 31 }, (_, i) => store.append(`s-${i}`, [newEvent("A"), newEvent("B")], "no_stream")),
      store.append("s-conflict", [newEvent("Stale")], "no_stream"),
    ]);

    expect(store.stats().commits - before.commits).toBe(1);
    expect(store.stats().appends - before.appends).toBe(32);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(31);
    const rejected = results.at(-1)!;
    expect(rejected.status === "rejected" && rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readAll({ limit: 100 })).toHaveLength(1 + 31 * 2);
    expect(await store.verify()).toMatchObject({ ok: true, checked: 63 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
