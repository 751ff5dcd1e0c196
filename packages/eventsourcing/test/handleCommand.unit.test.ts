import { describe, expect, it } from "vitest";

import {
  commandPipeline,
  ConcurrencyExhaustedError,
  DomainError,
  handleCommand,
  refusing,
  uuidv7,
  type Decider,
  type EventStore,
} from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { given, newEvent } from "@ihp/testing";

// A tiny aggregate to exercise the runtime: a consult slot that can be booked once.
type Command = { type: "Book"; patientId: string } | { type: "Cancel" };
type Event = { type: "Booked"; data: { patientId: string } } | { type: "Cancelled"; data: Record<string, never> };
type State = { booked: boolean };

const slot: Decider<Command, Event, State> = {
  initialState: { booked: false },
  evolve: (_state, event) => ({ booked: event.type === "Booked" }),
  // The one decider style: rules throw their refusal, refusing() hands it back as the contract's value.
  decide: refusing((command, state): readonly Event[] => {
    switch (command.type) {
      case "Book":
        if (command.patientId === "") throw new Error("a bug, not a refusal");
        if (state.booked) throw new DomainError("SLOT_TAKEN", "FAILED_PRECONDITION", "This slot is already booked.");
        return [{ type: "Booked", data: { patientId: command.patientId } }];
      case "Cancel":
        return state.booked ? [{ type: "Cancelled", data: {} }] : [];
    }
  }),
};

const metadata = { actorId: "p-1", actorRole: "patient", tenantId: "h-1", correlationId: "c-1", causationId: "c-1" };
const now = new Date("2026-11-23T09:00:00.000Z");
const options = { newEventId: () => uuidv7() };

describe("decider runtime", () => {
  it("refusing returns a thrown refusal as the decision and lets any other error through", () => {
    expect(slot.decide({ type: "Book", patientId: "p-2" }, { booked: true })).toMatchObject({ code: "SLOT_TAKEN" });
    expect(() => slot.decide({ type: "Book", patientId: "" }, { booked: false })).toThrow("a bug, not a refusal");
  });

  it("given/when/then reads as the rule", () => {
    given(slot).when({ type: "Book", patientId: "p-1" }).then([{ type: "Booked", data: { patientId: "p-1" } }]);
    given(slot, [{ type: "Booked", data: { patientId: "p-1" } }])
      .when({ type: "Book", patientId: "p-2" })
      .thenError("SLOT_TAKEN");
    given(slot).when({ type: "Cancel" }).thenNothingHappened();
    expect(() => given(slot).when({ type: "Book", patientId: "p-1" }).thenNothingHappened()).toThrow();
  });

  it("reads, folds, decides and appends with metadata and time from the command", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    const result = await handleCommand(store, slot, { streamId: "slot-1", command: { type: "Book", patientId: "p-1" }, metadata, now }, options);
    expect(result.state).toEqual({ booked: true });
    expect(result.repeated).toBe(false);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]!.metadata).toEqual({ ...metadata, occurredAt: "2026-11-23T09:00:00.000Z" });
    await expect(
      handleCommand(store, slot, { streamId: "slot-1", command: { type: "Book", patientId: "p-2" }, metadata, now }, options),
    ).rejects.toMatchObject({ code: "SLOT_TAKEN", kind: "FAILED_PRECONDITION" });
    expect(await store.readStream("slot-1")).toHaveLength(1);
    await store.close();
  });

  it("XC-08: records the profile version the decision used, taken from the state it was decided on", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    const seen: State[] = [];
    const profileVersionOf = (state: State): string => {
      seen.push(state);
      return state.booked ? "tianjin@2026-01-01#1" : "national@2026-01-01#1";
    };
    await handleCommand(store, slot, { streamId: "slot-5", command: { type: "Book", patientId: "p" }, metadata, now, profileVersionOf }, options);
    await handleCommand(store, slot, { streamId: "slot-5", command: { type: "Cancel" }, metadata, now, profileVersionOf }, options);
    expect(seen).toEqual([{ booked: false }, { booked: true }]);
    expect((await store.readStream("slot-5")).map((e) => e.metadata.profileVersion)).toEqual([
      "national@2026-01-01#1",
      "tianjin@2026-01-01#1",
    ]);
    await store.close();
  });

  it("a repeated client request id returns the first result and appends nothing", async () => {
    const store = SqliteEventStore.open({ path: ":memory:" });
    const envelope = { streamId: "slot-2", command: { type: "Book", patientId: "p-1" } as const, metadata, now, requestId: "req-42" };
    const first = await handleCommand(store, slot, envelope, options);
    const second = await handleCommand(store, slot, envelope, options);
    expect(second.repeated).toBe(true);
    expect(second.events).toEqual(first.events);
    expect(await store.readStream("slot-2")).toHaveLength(1);
    await store.close();
  });

  it("retries a revision conflict by re-reading and deciding again (never overwriting)", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    let interfered = false;
    // Another writer books the slot between our read and our append, once.
    const racing: EventStore = {
      readStream: (id) => inner.readStream(id),
      readAll: (o) => inner.readAll(o),
      subscribe: (o) => inner.subscribe(o),
      verify: () => inner.verify(),
      close: () => inner.close(),
      appendMany: (batch) => inner.appendMany(batch),
      append: async (id, events, expected) => {
        if (!interfered) {
          interfered = true;
          await inner.append(id, [newEvent("Booked", { patientId: "other" })], "no_stream");
        }
        return inner.append(id, events, expected);
      },
    };
    await expect(
      handleCommand(racing, slot, { streamId: "slot-3", command: { type: "Book", patientId: "p-1" }, metadata, now }, options),
    ).rejects.toMatchObject({ code: "SLOT_TAKEN" });
    expect((await inner.readStream("slot-3")).map((e) => e.data)).toEqual([{ patientId: "other" }]);
    await inner.close();
  });

  it("gives up after the bounded number of conflicting attempts with CONCURRENT_UPDATE (ABORTED)", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    let n = 0;
    const alwaysRacing: EventStore = {
      readStream: (id) => inner.readStream(id),
      readAll: (o) => inner.readAll(o),
      subscribe: (o) => inner.subscribe(o),
      verify: () => inner.verify(),
      close: () => inner.close(),
      appendMany: (batch) => inner.appendMany(batch),
      append: async (id, events, expected) => {
        await inner.append(id, [newEvent("Cancelled", { n: n++ })], "any");
        return inner.append(id, events, expected);
      },
    };
    const attempt = handleCommand(alwaysRacing, slot, { streamId: "slot-4", command: { type: "Book", patientId: "p" }, metadata, now }, { ...options, maxAttempts: 3 });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyExhaustedError);
    await expect(attempt).rejects.toMatchObject({ code: "CONCURRENT_UPDATE", kind: "ABORTED" });
    expect(n).toBe(3);
    await inner.close();
  });

  describe("a stream the caller has just read", () => {
    /** The store with its readStream calls counted. */
    function counted(store: EventStore): { store: EventStore; reads: () => number } {
      let reads = 0;
      const original = store.readStream.bind(store);
      store.readStream = (streamId, readOptions) => {
        reads += 1;
        return original(streamId, readOptions);
      };
      return { store, reads: () => reads };
    }

    it("is decided on without a read of its own, and appended at its revision", async () => {
      const { store, reads } = counted(SqliteEventStore.open({ path: ":memory:" }));
      await handleCommand(store, slot, { streamId: "slot-h1", command: { type: "Book", patientId: "p-1" }, metadata, now }, options);
      const read = await store.readStream("slot-h1");
      const before = reads();
      const result = await handleCommand(store, slot, { streamId: "slot-h1", command: { type: "Cancel" }, metadata, now, read }, options);
      expect(reads() - before).toBe(0);
      expect(result.history.map((event) => event.type)).toEqual(["Booked", "Cancelled"]);
      expect(result.revision).toBe(1);
      // With readLast, only the last event given counts, as a read by its last event would.
      const last = await handleCommand(store, slot, { streamId: "slot-h1", command: { type: "Book", patientId: "p-2" }, metadata, now, readLast: true, read: await store.readStream("slot-h1") }, options);
      expect(last.history.map((event) => event.revision)).toEqual([1, 2]);
      await store.close();
    });

    it("a stale read costs one retry on a fresh read, never a lost update", async () => {
      const { store, reads } = counted(SqliteEventStore.open({ path: ":memory:" }));
      const stale = await store.readStream("slot-h2");
      // Another writer books the slot after the caller's read.
      await handleCommand(store, slot, { streamId: "slot-h2", command: { type: "Book", patientId: "other" }, metadata, now, requestId: "req-other" }, options);
      const before = reads();
      await expect(
        handleCommand(store, slot, { streamId: "slot-h2", command: { type: "Book", patientId: "p-1" }, metadata, now, read: stale }, options),
      ).rejects.toMatchObject({ code: "SLOT_TAKEN" });
      expect(reads() - before).toBe(1);
      expect((await store.readStream("slot-h2")).map((event) => event.data)).toEqual([{ patientId: "other" }]);
      // A request id handled after the stale read is found on the fresh one: repeated, nothing appended.
      const repeated = await handleCommand(store, slot, { streamId: "slot-h2", command: { type: "Book", patientId: "other" }, metadata, now, requestId: "req-other", read: stale }, options);
      expect(repeated.repeated).toBe(true);
      expect(await store.readStream("slot-h2")).toHaveLength(1);
      await store.close();
    });

    it("refuses events of another stream (a caller's bug)", async () => {
      const store = SqliteEventStore.open({ path: ":memory:" });
      await handleCommand(store, slot, { streamId: "slot-h3", command: { type: "Book", patientId: "p-1" }, metadata, now }, options);
      const read = await store.readStream("slot-h3");
      await expect(handleCommand(store, slot, { streamId: "slot-h4", command: { type: "Cancel" }, metadata, now, read }, options)).rejects.toThrow("another stream");
      await store.close();
    });
  });

  describe("the command pipeline", () => {
    const acting = { actorId: "p-1", role: "patient", tenantId: "h-1", correlationId: "c-1", trace: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } };

    it("builds every event's metadata once from who acts, and returns the stream's revision and history", async () => {
      const store = SqliteEventStore.open({ path: ":memory:" });
      const run = commandPipeline(store, slot, options);
      const result = await run({ streamId: "slot-p", requestId: "req-1", acting, now, command: { type: "Book", patientId: "p-1" } });
      expect(result.revision).toBe(0);
      expect(result.history.map((event) => event.type)).toEqual(["Booked"]);
      expect(result.events[0]!.metadata).toEqual({
        actorId: "p-1",
        actorRole: "patient",
        tenantId: "h-1",
        correlationId: "c-1",
        causationId: "req-1",
        traceparent: acting.trace.traceparent,
        occurredAt: now.toISOString(),
        requestId: "req-1",
      });
      const empty = await run({ streamId: "slot-empty", requestId: "req-2", acting, now, command: { type: "Cancel" } });
      expect(empty).toMatchObject({ revision: -1, events: [], repeated: false });
    });

    it("prepares with the state read once, never for a repeated request id, and a refusal it throws appends nothing", async () => {
      const store = SqliteEventStore.open({ path: ":memory:" });
      const run = commandPipeline(store, slot, options);
      const reads: number[] = [];
      const original = store.readStream.bind(store);
      store.readStream = (streamId: string) => {
        reads.push(1);
        return original(streamId);
      };
      const seen: State[] = [];
      const prepare = (state: State): Promise<Command> => {
        seen.push(state);
        return Promise.resolve({ type: "Book", patientId: "p-9" });
      };
      const first = await run({ streamId: "slot-q", requestId: "req-1", acting, now, prepare });
      expect(first.events.map((event) => event.data)).toEqual([{ patientId: "p-9" }]);
      expect(reads).toHaveLength(1);
      expect(seen).toEqual([{ booked: false }]);
      const again = await run({ streamId: "slot-q", requestId: "req-1", acting, now, prepare });
      expect(again.repeated).toBe(true);
      expect(seen).toHaveLength(1);
      const refused = new DomainError("NOT_NOW", "FAILED_PRECONDITION", "No.");
      await expect(run({ streamId: "slot-r", requestId: "req-3", acting, now, prepare: () => Promise.reject(refused) })).rejects.toBe(refused);
      expect(await store.readStream("slot-r")).toEqual([]);
    });

    it("resolves who acts on the state first: a refused caller is refused even for a request id handled before", async () => {
      const store = SqliteEventStore.open({ path: ":memory:" });
      const run = commandPipeline(store, slot, options);
      await run({ streamId: "slot-t", requestId: "req-1", acting: () => acting, now, command: { type: "Book", patientId: "p-1" } });
      const stranger = new DomainError("OTHER_INSTITUTION", "PERMISSION_DENIED", "Not yours.");
      const refuse = (): typeof acting => {
        throw stranger;
      };
      await expect(run({ streamId: "slot-t", requestId: "req-1", acting: refuse, now, command: { type: "Book", patientId: "p-1" } })).rejects.toBe(stranger);
      expect(await store.readStream("slot-t")).toHaveLength(1);
    });
  });
});
