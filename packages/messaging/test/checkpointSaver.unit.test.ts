import type { LogPosition } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { CheckpointSaver } from "../src/checkpointSaver.js";
import type { CheckpointStore } from "../src/checkpointStore.js";

/** A store that records every save, as a synchronous SQLite store would make them (issue 15: a commit per event). */
function recording(): CheckpointStore & { readonly saves: LogPosition[] } {
  const saves: LogPosition[] = [];
  return { saves, load: () => Promise.resolve(0n), save: (_name, position) => Promise.resolve(void saves.push(position)) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("CheckpointSaver", () => {
  it("saves a busy relay's position at most once per interval, the latest each time, and flush() saves at once", async () => {
    const store = recording();
    const saver = new CheckpointSaver(store, "r", 0n, () => undefined, 60_000);
    for (let position = 1n; position <= 100n; position++) {
      saver.advance(position);
      await tick();
    }
    // The first save goes at once; the 99 later positions wait for the interval (a minute here), not one save each.
    expect(store.saves).toEqual([1n]);
    await saver.flush();
    expect(store.saves).toEqual([1n, 100n]);
  });

  it("without an interval, saves whenever the previous save is done (only positions that arrive during a save are folded)", async () => {
    const store = recording();
    const saver = new CheckpointSaver(store, "r", 0n, () => undefined);
    for (let position = 1n; position <= 5n; position++) {
      saver.advance(position);
      await tick();
    }
    await saver.flush();
    expect(store.saves).toEqual([1n, 2n, 3n, 4n, 5n]);
  });

  it("an interval that has passed lets the next position be saved without a flush", async () => {
    const store = recording();
    const saver = new CheckpointSaver(store, "r", 0n, () => undefined, 20);
    saver.advance(1n);
    saver.advance(2n);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.saves).toEqual([1n, 2n]);
  });
});
