import { describe, expect, it } from "vitest";

import {
  appendDecisions,
  ConcurrencyExhaustedError,
  decideStream,
  DomainError,
  handleCommand,
  refusing,
  uuidv7,
  type Decider,
  type EventStore,
  type StreamAppend,
} from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";

// A slot booked once, and the patient's list of bookings: one booking writes both streams.
type Command = { type: "Book"; patientId: string };
type Event = { type: "Booked"; data: { patientId: string } };
const slot: Decider<Command, Event, { booked: boolean }> = {
  initialState: { booked: false },
  evolve: () => ({ booked: true }),
  decide: refusing((command, state): readonly Event[] => {
    if (state.booked) throw new DomainError("SLOT_TAKEN", "FAILED_PRECONDITION", "This slot is already booked.");
    return [{ type: "Booked", data: { patientId: command.patientId } }];
  }),
};
type Listed = { type: "Listed"; data: { slot: string } };
const bookings: Decider<{ type: "List"; slot: string }, Listed, { slots: string[] }> = {
  initialState: { slots: [] },
  evolve: (state, event) => ({ slots: [...state.slots, event.data.slot] }),
  decide: (command, state) => (state.slots.includes(command.slot) ? [] : [{ type: "Listed", data: { slot: command.slot } }]),
};

const metadata = { actorId: "p-1", actorRole: "patient", tenantId: "h-1", correlationId: "c-1", causationId: "c-1" };
const now = new Date("2026-11-23T09:00:00.000Z");
const options = { newEventId: () => uuidv7() };

function book(store: EventStore, slotId: string, patientId: string) {
  return appendDecisions(store, async () => {
    const booked = await decideStream(store, slot, { streamId: slotId, command: { type: "Book", patientId }, metadata, now }, options);
    const listed = await decideStream(store, bookings, { streamId: `bookings-${patientId}`, command: { type: "List", slot: slotId }, metadata, now, readLast: false }, options);
    return [booked.append, listed.append].filter((part): part is StreamAppend => part !== undefined);
  });
}

/** The store, counting appendMany calls; `interfere` runs before each, once per call. */
function counting(inner: SqliteEventStore, interfere: (call: number) => Promise<void> = () => Promise.resolve()) {
  let calls = 0;
  const store: EventStore = {
    append: (...args) => inner.append(...args),
    appendMany: async (batch) => {
      await interfere(++calls);
      return inner.appendMany(batch);
    },
    readStream: (...args) => inner.readStream(...args),
    readAll: (...args) => inner.readAll(...args),
    subscribe: (...args) => inner.subscribe(...args),
    verify: () => inner.verify(),
    close: () => inner.close(),
  };
  return { store, calls: () => calls };
}

describe("decideStream and appendDecisions: one change decided on several streams, appended once", () => {
  it("appends the decisions of both streams in one commit, with metadata and time as handleCommand gives them", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    const { store, calls } = counting(inner);
    const results = await book(store, "slot-1", "p-1");
    expect(calls()).toBe(1);
    expect(inner.stats().commits).toBe(1);
    expect(results.map((r) => r.events.map((e) => [e.streamId, e.type, e.metadata.occurredAt]))).toEqual([
      [["slot-1", "Booked", now.toISOString()]],
      [["bookings-p-1", "Listed", now.toISOString()]],
    ]);
    // Decided again: the slot refuses, nothing is written.
    await expect(book(store, "slot-1", "p-2")).rejects.toMatchObject({ code: "SLOT_TAKEN" });
    expect(await inner.readAll({ limit: 100 })).toHaveLength(2);
    await inner.close();
  });

  it("decides again on fresh reads when another writer changed either stream, and appends nothing twice", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    // Another booking of the same patient lands between the reads and the commit, once.
    const { store, calls } = counting(inner, async (call) => {
      if (call === 1) await handleCommand(inner, bookings, { streamId: "bookings-p-1", command: { type: "List", slot: "slot-0" }, metadata, now }, options);
    });
    await book(store, "slot-1", "p-1");
    expect(calls()).toBe(2);
    expect((await inner.readStream("bookings-p-1")).map((e) => e.data)).toEqual([{ slot: "slot-0" }, { slot: "slot-1" }]);
    expect((await inner.readStream("slot-1")).map((e) => e.type)).toEqual(["Booked"]);
    expect(await inner.verify()).toMatchObject({ ok: true, checked: 3 });
    await inner.close();
  });

  it("gives up after the bounded number of conflicting attempts with CONCURRENT_UPDATE, having written nothing of its own", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    const { store } = counting(inner, async (call) => {
      await inner.append("bookings-p-1", [newEvent("Listed", { slot: `other-${call}` })], "any");
    });
    const attempt = book(store, "slot-1", "p-1");
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyExhaustedError);
    await expect(attempt).rejects.toMatchObject({ code: "CONCURRENT_UPDATE" });
    expect(await inner.readStream("slot-1")).toEqual([]);
    await inner.close();
  });

  it("writes nothing when no stream decided anything", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    const { store, calls } = counting(inner);
    expect(await appendDecisions(store, () => Promise.resolve([]))).toEqual([]);
    expect(calls()).toBe(0);
    await inner.close();
  });
});
