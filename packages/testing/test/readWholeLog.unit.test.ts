import { type EventStore, type ReadAllOptions, START, type StoredEvent } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { readWholeLog } from "../src/readWholeLog.js";

/** A log of `count` events that records every page asked of it. */
function pagedLog(count: number): { log: Pick<EventStore, "readAll">; asked: ReadAllOptions[] } {
  const events = Array.from({ length: count }, (_, i) => ({ position: BigInt(i + 1), type: `E${i}` }) as unknown as StoredEvent);
  const asked: ReadAllOptions[] = [];
  const log = {
    readAll: (options: ReadAllOptions) => {
      asked.push(options);
      const after = options.after ?? START;
      return Promise.resolve(events.filter((event) => event.position > after).slice(0, options.limit));
    },
  };
  return { log, asked };
}

describe("readWholeLog", () => {
  it("reads past the first page, page by page from the last position, until a page is empty", async () => {
    const { log, asked } = pagedLog(2_500);
    const all = await readWholeLog(log);
    expect(all.map((event) => event.position)).toEqual(Array.from({ length: 2_500 }, (_, i) => BigInt(i + 1)));
    expect(asked).toEqual([
      { after: START, limit: 1_000 },
      { after: 1_000n, limit: 1_000 },
      { after: 2_000n, limit: 1_000 },
      { after: 2_500n, limit: 1_000 },
    ]);
  });

  it("starts after a position and takes a page size", async () => {
    const { log } = pagedLog(7);
    expect((await readWholeLog(log, { after: 2n, pageSize: 2 })).map((event) => event.type)).toEqual(["E2", "E3", "E4", "E5", "E6"]);
    expect(await readWholeLog(pagedLog(0).log)).toEqual([]);
  });
});
