// readAll returns one page, and the caller says how big: there is no default page size, so a caller that meant
// "the whole log" cannot silently get the first 1,000 events. The @ts-expect-error lines are checked by tsc (this
// file is in the package's typecheck): if `limit` became optional again they would be unused, which is an error.
import { type EventStore, type ReadAllOptions, START } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";
import { describe, expect, expectTypeOf, it } from "vitest";

describe("readAll takes an explicit limit", () => {
  it("does not compile without a limit", () => {
    expectTypeOf<ReadAllOptions["limit"]>().toEqualTypeOf<number>();
    const calls = (store: EventStore) => [
      // @ts-expect-error: no options, so no limit
      () => store.readAll(),
      // @ts-expect-error: options without a limit
      () => store.readAll({}),
      // @ts-expect-error: a position without a limit
      () => store.readAll({ after: START }),
      () => store.readAll({ limit: 10 }),
      () => store.readAll({ after: START, limit: 10 }),
    ];
    expect(calls).toBeTypeOf("function");
  });

  it("returns exactly the page asked for, below and above 1,000", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    try {
      await store.append("limit-1", Array.from({ length: 1_001 }, (_, i) => newEvent("Tick", { i })), "no_stream");
      expect(await store.readAll({ limit: 3 })).toHaveLength(3);
      expect(await store.readAll({ limit: 1_000 })).toHaveLength(1_000);
      expect(await store.readAll({ limit: 1_001 })).toHaveLength(1_001);
      const first = await store.readAll({ limit: 1_000 });
      expect((await store.readAll({ after: first.at(-1)!.position, limit: 1_000 })).map((e) => e.data["i"])).toEqual([1_000]);
    } finally {
      await store.close();
    }
  });
});
