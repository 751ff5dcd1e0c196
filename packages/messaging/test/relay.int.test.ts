import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventStore, StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  decodeEnvelope,
  envelopeMessage,
  idempotentHandler,
  InProcessBus,
  NatsJetStreamBus,
  Relay,
  SqliteCheckpointStore,
  SqliteProcessedLog,
  type Bus,
  type Consumer,
  type ConsumerSpec,
  type DeliveredMessage,
  type MessageHandler,
  type RelayFailure,
} from "../src/index.js";
import { findNatsServer, startNatsServer, waitFor } from "@ihp/testing";

import { inCi } from "./natsSupport.js";
import { FlakyBus, OverlapCountingBus, RecordingCheckpoints } from "./relayDoubles.js";
import { newEvent, spawnRelayChild, type RelayChild } from "./relaySupport.js";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

let dir: string;
const closers: (() => Promise<void>)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ihp-relay-"));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

function openStore(): SqliteEventStore {
  const store = SqliteEventStore.open({ path: join(dir, "events.db") });
  closers.push(() => store.close());
  return store;
}

function openCheckpoints(): SqliteCheckpointStore {
  const checkpoints = SqliteCheckpointStore.open({ path: join(dir, "checkpoints.db") });
  closers.push(() => checkpoints.close());
  return checkpoints;
}

async function appendMany(store: EventStore, count: number, type = "ThingHappened"): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const result = await store.append(`thing-${i % 7}`, [newEvent(type, { n: i }, TRACEPARENT)], "any");
    stored.push(...result.events);
  }
  return stored;
}

function collect(bus: Bus, subjects = ["ihp.>"]): Promise<{ messages: DeliveredMessage[]; consumer: Consumer }> {
  const messages: DeliveredMessage[] = [];
  return bus
    .consume({ durable: "collector", subjects }, (m) => {
      messages.push(m);
      return Promise.resolve();
    })
    .then((consumer) => ({ messages, consumer }));
}

describe("Relay", () => {
  it("XC-01: publishes every stored event once, in log order, as an envelope consumers can trace", async () => {
    const store = openStore();
    const checkpoints = openCheckpoints();
    const stored = await appendMany(store, 50);
    const bus = new InProcessBus();
    closers.push(() => bus.close());
    const { messages } = await collect(bus);
    const relay = new Relay({ name: "r", store, bus, checkpoints, context: "identity" });
    await relay.start();
    await waitFor(() => messages.length === 50, 10_000, "50 messages");
    const more = await appendMany(store, 10, "OtherHappened");
    await waitFor(() => messages.length === 60, 10_000, "60 messages (live tail)");
    await relay.stop();

    const all = [...stored, ...more];
    expect(messages.map((m) => m.id)).toEqual(all.map((e) => e.id));
    expect(await checkpoints.load("r")).toBe(all.at(-1)?.position);

    const first = all[0]!;
    const message = messages[0]!;
    expect(message.subject).toBe("ihp.identity.v1.ThingHappened");
    expect(messages.at(-1)?.subject).toBe("ihp.identity.v1.OtherHappened");
    expect(message.headers).toEqual({ traceparent: TRACEPARENT });
    const { envelope, data } = decodeEnvelope(message);
    expect(data).toEqual({ n: 0 });
    expect(envelope).toMatchObject({
      id: first.id,
      type: "ThingHappened",
      schemaVersion: 1,
      streamId: first.streamId,
      streamRevision: BigInt(first.revision),
      logPosition: first.position.toString(),
      hash: first.hash,
      contentType: "application/json",
      metadata: { actorId: "doctor-1", tenantId: "hospital-1", traceparent: TRACEPARENT, occurredAt: first.metadata.occurredAt },
    });
  });

  it("resumes from its checkpoint: a restarted relay publishes only what came after", async () => {
    const store = openStore();
    const checkpoints = openCheckpoints();
    const bus = new InProcessBus();
    closers.push(() => bus.close());
    const { messages } = await collect(bus);
    const before = await appendMany(store, 20);
    const first = new Relay({ name: "r", store, bus, checkpoints, context: "consult" });
    await first.start();
    await waitFor(() => messages.length === 20, 10_000, "the first 20");
    await first.stop();
    expect(await checkpoints.load("r")).toBe(before.at(-1)?.position);

    const after = await appendMany(store, 5);
    const second = new Relay({ name: "r", store, bus, checkpoints, context: "consult" });
    await second.start();
    await waitFor(() => messages.length >= 25, 10_000, "the next 5");
    await second.stop();
    expect(messages.map((m) => m.id)).toEqual([...before, ...after].map((e) => e.id));
  });

  it("keeps events the mapping returns null for, yet moves its checkpoint past them", async () => {
    const store = openStore();
    const checkpoints = openCheckpoints();
    const bus = new InProcessBus();
    closers.push(() => bus.close());
    const { messages } = await collect(bus);
    const stored = await appendMany(store, 10);
    const relay = new Relay({
      name: "r",
      store,
      bus,
      checkpoints,
      map: (event) =>
        Number(event.position) % 2 === 0 ? { subject: "ihp.test.v1.Public", id: event.id, data: new Uint8Array(), headers: {} } : null,
    });
    await relay.start();
    await waitFor(async () => (await checkpoints.load("r")) === stored.at(-1)?.position, 10_000, "the checkpoint");
    await relay.stop();
    expect(messages.map((m) => m.id)).toEqual(stored.filter((e) => Number(e.position) % 2 === 0).map((e) => e.id));
  });

  it("XC-01: retries a failing publish without skipping it, and never checkpoints past it", async () => {
    const store = openStore();
    const checkpoints = new RecordingCheckpoints(openCheckpoints());
    const inner = new InProcessBus();
    closers.push(() => inner.close());
    const { messages } = await collect(inner);
    const stored = await appendMany(store, 12);
    const blocked = stored[4]!;
    const bus = new FlakyBus(inner, blocked.id);
    const failures: RelayFailure[] = [];
    const relay = new Relay({
      name: "r",
      store,
      bus,
      checkpoints,
      context: "pharmacy",
      maxInFlight: 4,
      retry: { initialMs: 5, maxMs: 20 },
      onError: (failure) => failures.push(failure),
    });
    await relay.start();
    await waitFor(() => bus.attempts >= 5, 10_000, "five failed attempts");
    // Whatever went through meanwhile, the checkpoint stays before the event that has not.
    expect(checkpoints.saved.every((position) => position < blocked.position)).toBe(true);
    expect(messages.map((m) => m.id)).not.toContain(blocked.id);
    bus.heal();
    await waitFor(() => messages.length === 12, 10_000, "all 12 once healed");
    await waitFor(async () => (await checkpoints.load("r")) === stored.at(-1)?.position, 10_000, "the final checkpoint");
    await relay.stop();
    expect(new Set(messages.map((m) => m.id))).toEqual(new Set(stored.map((e) => e.id)));
    expect(failures.length).toBeGreaterThanOrEqual(5);
    expect(failures.every((f) => !f.fatal && f.event?.id === blocked.id)).toBe(true);
  });

  it("never checkpoints past a failing publish, even when the events behind it all stay inside the service", async () => {
    const store = openStore();
    const checkpoints = new RecordingCheckpoints(openCheckpoints());
    const inner = new InProcessBus();
    closers.push(() => inner.close());
    const { messages } = await collect(inner);
    const stored = await appendMany(store, 10);
    const blocked = stored[3]!;
    const bus = new FlakyBus(inner, blocked.id);
    const keep = envelopeMessage("records");
    const relay = new Relay({
      name: "r",
      store,
      bus,
      checkpoints,
      // Only the events up to the blocked one are published; each save as soon as it can be made.
      map: (event) => (event.position <= blocked.position ? keep(event) : null),
      maxInFlight: 4,
      checkpointIntervalMs: 0,
      retry: { initialMs: 5, maxMs: 20 },
      onError: () => undefined,
    });
    await relay.start();
    await waitFor(() => bus.attempts >= 5, 10_000, "five failed attempts");
    expect(checkpoints.saved.every((position) => position < blocked.position)).toBe(true);
    bus.heal();
    await waitFor(async () => (await checkpoints.load("r")) === stored.at(-1)?.position, 10_000, "the final checkpoint");
    await relay.stop();
    expect(messages.map((m) => m.id)).toEqual(stored.slice(0, 4).map((e) => e.id));
  });

  it("XC-01: stopping while a publish fails saves the checkpoint before it; the next run publishes it", async () => {
    const store = openStore();
    const checkpoints = openCheckpoints();
    const inner = new InProcessBus();
    closers.push(() => inner.close());
    const { messages } = await collect(inner);
    const stored = await appendMany(store, 8);
    const blocked = stored[3]!;
    const flaky = new FlakyBus(inner, blocked.id);
    const relay = new Relay({
      name: "r",
      store,
      bus: flaky,
      checkpoints,
      context: "records",
      retry: { initialMs: 5, maxMs: 20 },
      onError: () => undefined,
    });
    await relay.start();
    await waitFor(() => flaky.attempts >= 2 && messages.length === 7, 10_000, "the others to pass and the blocked one to fail");
    await relay.stop();
    expect(await checkpoints.load("r")).toBe(stored[2]!.position);

    const again = new Relay({ name: "r", store, bus: inner, checkpoints, context: "records" });
    await again.start();
    await waitFor(() => messages.some((m) => m.id === blocked.id), 10_000, "the blocked event");
    await waitFor(async () => (await checkpoints.load("r")) === stored.at(-1)?.position, 10_000, "the final checkpoint");
    await again.stop();
    // At least once: the events after the blocked one come again; every event is there.
    expect(new Set(messages.map((m) => m.id))).toEqual(new Set(stored.map((e) => e.id)));
  });
});

  it("XC-01: an ordered relay publishes one at a time unless the bus keeps overlapping publishes in order", async () => {
    const store = openStore();
    const stored = await appendMany(store, 12);
    for (const publishesInOrder of [false, true]) {
      const inner = new InProcessBus();
      closers.push(() => inner.close());
      const { messages } = await collect(inner);
      const bus = new OverlapCountingBus(inner, publishesInOrder);
      const relay = new Relay({ name: `ordered-${publishesInOrder}`, store, bus, checkpoints: openCheckpoints(), context: "consult", ordered: true, maxInFlight: 4 });
      await relay.start();
      await waitFor(() => messages.length === 12, 10_000, "all 12");
      await relay.stop();
      expect(messages.map((m) => m.id)).toEqual(stored.map((e) => e.id));
      expect(bus.mostAtOnce).toBe(publishesInOrder ? 4 : 1);
    }
  });

const natsServer = findNatsServer();
if (natsServer === undefined) console.warn("[relay] crash test skipped: no nats-server binary found");

describe.skipIf(natsServer === undefined && !inCi)("Relay crash test (child process, private NATS server)", () => {
  it(
    "XC-01: a relay SIGKILLed mid-burst and restarted, again and again, loses nothing and the effect sees each event once",
    async () => {
      const server = await startNatsServer();
      closers.push(() => server.dispose());
      // JetStream de-duplication is all but switched off (100 ms, its minimum; a relay restart takes longer), so every
      // re-publish after a crash reaches the consumer: "once in effect" then rests on the relay's checkpoint (nothing
      // lost) and on the consumer's processed log (nothing applied twice), not on the bus.
      const bus = await NatsJetStreamBus.connect({
        servers: server.url,
        streams: [{ name: "IHP_CRASHTEST", subjects: ["ihp.crashtest.>"] }],
        duplicateWindowMs: 100,
      });
      closers.push(() => bus.close());
      const store = openStore();
      const processed = SqliteProcessedLog.open({ path: join(dir, "processed.db") });
      closers.push(() => processed.close());

      const effects = new Map<string, number>();
      let deliveries = 0;
      const effect: MessageHandler = (message) => {
        const { envelope } = decodeEnvelope(message);
        effects.set(envelope.id, (effects.get(envelope.id) ?? 0) + 1);
        return Promise.resolve();
      };
      const spec: ConsumerSpec = { durable: "crash-effect", subjects: ["ihp.crashtest.v1.>"] };
      await bus.consume(spec, (message) => {
        deliveries += 1;
        return idempotentHandler(spec.durable, processed, effect)(message);
      });

      const childEnv = {
        RELAY_EVENTS_DB: join(dir, "events.db"),
        RELAY_CHECKPOINTS_DB: join(dir, "checkpoints.db"),
        RELAY_NATS_URL: server.url,
        RELAY_CONTEXT: "crashtest",
        RELAY_CHECKPOINT_DELAY_MS: "50",
      };
      let child: RelayChild = await spawnRelayChild(childEnv);
      closers.push(() => child.kill());

      // Far more events than the last kill threshold: on a loaded machine the consumer can run hundreds ahead of the
      // progress check, and every kill must still fall mid-burst.
      const total = 4_000;
      const appended: string[] = [];
      const appending = (async () => {
        for (let i = 0; i < total; i += 50) {
          const chunk = Array.from({ length: 50 }, (_, j) => newEvent("Burst", { n: i + j }));
          // Concurrent appends to distinct streams: the store commits them in groups, as under real load.
          const results = await Promise.all(chunk.map((event, j) => store.append(`burst-${i + j}`, [event], "no_stream")));
          for (const result of results) appended.push(...result.events.map((e) => e.id));
        }
      })();

      const seenAtKill: number[] = [];
      for (const threshold of [300, 800, 1_300]) {
        await waitFor(() => effects.size >= threshold, 60_000, `${threshold} events in effect`);
        await child.kill();
        seenAtKill.push(effects.size);
        child = await spawnRelayChild(childEnv);
      }
      await appending;
      await waitFor(() => effects.size === total, 60_000, `all ${total} events in effect`).catch((error: unknown) => {
        throw new Error(`${String(error)}; relay child log:\n${child.log()}`);
      });

      // Every kill came before the consumer had everything: the crashes fell mid-burst.
      expect(seenAtKill.every((seen) => seen < total)).toBe(true);
      expect(new Set(effects.keys())).toEqual(new Set(appended));
      expect([...effects.values()].every((count) => count === 1)).toBe(true);
      // Some events were published again after a crash and reached the consumer; the processed log absorbed them.
      // (Were this ever 0, no kill fell between a publish and its checkpoint: the test, not the relay, was weak.)
      expect(deliveries).toBeGreaterThan(total);
      console.info(`[relay crash test] kills at ${seenAtKill.join(", ")} events in effect; ${deliveries} deliveries for ${total} events`);
    },
    120_000,
  );
});
