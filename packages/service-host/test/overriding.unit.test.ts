import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";
import { describe, expect, it } from "vitest";

import { createHostMetrics } from "../src/hostMetrics.js";
import { overriding } from "../src/overriding.js";

describe("overriding: the wrapper every read and append of a service goes through", () => {
  it("answers the overrides, binds each other method once to the target and picks up a method the target replaces", () => {
    class Counter {
      count = 0;
      bump(): number {
        this.count += 1;
        return this.count;
      }
      name(): string {
        return "counter";
      }
    }
    const target = new Counter();
    const wrapped = overriding(target, { name: () => "wrapped" });
    expect(wrapped.name()).toBe("wrapped");
    const { bump } = wrapped;
    expect(wrapped.bump).toBe(bump);
    // Bound to the target: called detached, it still counts on it.
    expect(bump()).toBe(1);
    expect(target.count).toBe(1);
    expect(wrapped.count).toBe(1);
    const replaced = () => 42;
    target.bump = replaced;
    expect(wrapped.bump).not.toBe(bump);
    expect(wrapped.bump()).toBe(42);
  });

  it("timed(store) counts each append in ihp_event_append_seconds and forwards reads bound once", async () => {
    const metrics = createHostMetrics("consult");
    const store = metrics.timed(SqliteEventStore.open({ path: ":memory:" }));
    const { readStream } = store;
    expect(store.readStream).toBe(readStream);
    await store.append("note-1", [newEvent("NoteTaken")], "no_stream");
    expect(await readStream("note-1")).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`ihp_event_append_seconds_count{service="consult",context="consult",outcome="ok"} 1`);
  });
});
