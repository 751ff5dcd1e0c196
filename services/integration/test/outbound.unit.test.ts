import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { describe, expect, it } from "vitest";

import { createOutbound } from "../src/application/outbound.js";

const SENDER = { institutionId: "inst-a", systemId: "his-a" };

/** The store, counting the events each readStream call returns; `onRead(streamId)` runs before each read. */
function countingStore(onRead: (streamId: string) => void = () => undefined) {
  const store = SqliteEventStore.open({ path: ":memory:" });
  let read = 0;
  const counting: EventStore = {
    append: (...args) => store.append(...args),
    appendMany: (batch) => store.appendMany(batch),
    async readStream(streamId, options) {
      onRead(streamId);
      const events = await store.readStream(streamId, options);
      read += events.length;
      return events;
    },
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    verify: () => store.verify(),
    close: () => store.close(),
  };
  const takeRead = () => {
    const count = read;
    read = 0;
    return count;
  };
  return { store: counting, takeRead };
}

async function entries(outbound: ReturnType<typeof createOutbound>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await outbound.append({ eventId: `evt-${i}`, type: "ConsultCompleted", institutionId: SENDER.institutionId, occurredAt: "2026-12-06T08:00:00Z", payload: { i } });
  }
}

describe("outbound log (XC-03, issue 15: costs that do not grow with the log)", () => {
  it("XC-03: following after the acknowledged position and acknowledging read the new entries and the last events only, not the whole log", async () => {
    const { store, takeRead } = countingStore();
    const outbound = createOutbound({ store, clock: () => new Date("2026-12-06T08:00:00Z"), newEventId: uuidv7, pollMs: 60_000 });
    await entries(outbound, 200);
    expect(await outbound.acknowledge(SENDER, 150n)).toBe(150n);
    for (let ack = 151n; ack <= 160n; ack++) expect(await outbound.acknowledge(SENDER, ack)).toBe(ack);
    takeRead();

    // One more acknowledgement: the last ack and the last entry, whatever the log's length.
    expect(await outbound.acknowledge(SENDER, 170n)).toBe(170n);
    expect(takeRead()).toBe(2);

    const controller = new AbortController();
    const follower = outbound.follow(SENDER, 0n, controller.signal);
    const seen: bigint[] = [];
    for await (const entry of follower) {
      seen.push(entry.position);
      if (entry.position === 200n) break;
    }
    controller.abort();
    expect(seen[0]).toBe(171n);
    expect(seen).toHaveLength(30);
    // The last acknowledgement, then the 30 entries after it.
    expect(takeRead()).toBe(31);
  });

  it("XC-03: an abort that lands while the follower reads ends it at once, not after the poll interval", async () => {
    const controller = new AbortController();
    // The log is empty: the read finds nothing, and the follower would wait for the next poll.
    const { store } = countingStore((streamId) => {
      if (streamId === `integration-outbound-${SENDER.institutionId}`) controller.abort();
    });
    const outbound = createOutbound({ store, clock: () => new Date("2026-12-06T08:00:00Z"), newEventId: uuidv7, pollMs: 600_000 });
    const follower = outbound.follow(SENDER, 0n, controller.signal);
    expect(await follower.next()).toEqual({ done: true, value: undefined });
  });
});
