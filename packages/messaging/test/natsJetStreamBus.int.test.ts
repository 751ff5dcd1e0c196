import { randomBytes, randomUUID } from "node:crypto";
import { nanos } from "@nats-io/nats-core";
import { afterEach, describe, expect, it } from "vitest";
import { NatsJetStreamBus, type BusMessage, type GiveUp } from "../src/index.js";
import { busContract, findNatsServer, sharedNatsUrl, startNatsServer, waitFor } from "@ihp/testing";
import { deleteStreams, inCi, keepStoreDirectory, natsReachable, withJsm } from "./natsSupport.js";

const url = sharedNatsUrl();
const reachable = await natsReachable(url);
if (!reachable) console.warn(`[natsJetStreamBus] skipped: no NATS server answers at ${url} (set NATS_URL)`);
else await keepStoreDirectory(url);
const serverBinary = findNatsServer();
if (serverBinary === undefined) console.warn("[natsJetStreamBus] restart test skipped: no nats-server binary found");

const fastRedelivery = { initialMs: 20, maxMs: 100 };

if (reachable) {
  busContract("NatsJetStreamBus", async ({ id, subjectPrefix }) => {
    const stream = `CTEST_${id.toUpperCase()}`;
    const bus = await NatsJetStreamBus.connect({
      servers: url,
      name: "bus-contract",
      streams: [{ name: stream, subjects: [`${subjectPrefix}.>`] }],
      redelivery: fastRedelivery,
    });
    return {
      bus,
      cleanup: async () => {
        await bus.close();
        await deleteStreams(url, [stream]);
      },
    };
  });
}

describe.skipIf(!reachable && !inCi)("NatsJetStreamBus on the shared server", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function scoped(): Promise<{ bus: NatsJetStreamBus; stream: string; prefix: string }> {
    const id = randomBytes(5).toString("hex");
    const stream = `NTEST_${id.toUpperCase()}`;
    const prefix = `ntest.${id}`;
    const bus = await NatsJetStreamBus.connect({ servers: url, redelivery: fastRedelivery });
    cleanups.push(() => deleteStreams(url, [stream]), () => bus.close());
    return { bus, stream, prefix };
  }

  it("provisions streams idempotently and updates an existing stream's settings", async () => {
    const { bus, stream, prefix } = await scoped();
    await bus.ensureStreams([{ name: stream, subjects: [`${prefix}.a.>`] }]);
    await bus.ensureStreams([{ name: stream, subjects: [`${prefix}.a.>`] }]);
    const first = await withJsm(url, (jsm) => jsm.streams.info(stream));
    expect(first.config.subjects).toEqual([`${prefix}.a.>`]);
    expect(first.config.duplicate_window).toBe(nanos(120_000));

    await bus.publish({ subject: `${prefix}.a.x`, id: randomUUID(), data: new Uint8Array([1]), headers: {} });
    await bus.ensureStreams([{ name: stream, subjects: [`${prefix}.a.>`, `${prefix}.b.>`], maxAgeMs: 3_600_000 }]);
    const second = await withJsm(url, (jsm) => jsm.streams.info(stream));
    expect(second.config.subjects.sort()).toEqual([`${prefix}.a.>`, `${prefix}.b.>`]);
    expect(second.config.max_age).toBe(nanos(3_600_000));
    expect(second.state.messages).toBe(1);
  });

  it("creates the durable with explicit ack, ack wait, max deliver and filter from the spec", async () => {
    const { bus, stream, prefix } = await scoped();
    await bus.ensureStreams([{ name: stream, subjects: [`${prefix}.>`] }]);
    const durable = `cfg-${randomBytes(3).toString("hex")}`;
    const consumer = await bus.consume(
      { durable, subjects: [`${prefix}.v1.*`], ackWaitMs: 5_000, maxDeliver: 4 },
      () => Promise.resolve(),
    );
    await consumer.stop();
    const info = await withJsm(url, (jsm) => jsm.consumers.info(stream, durable));
    expect(info.config).toMatchObject({
      durable_name: durable,
      ack_policy: "explicit",
      ack_wait: nanos(5_000),
      max_deliver: 4,
      filter_subject: `${prefix}.v1.*`,
    });
    // Changing the spec updates the durable instead of failing.
    const again = await bus.consume({ durable, subjects: [`${prefix}.v1.*`], ackWaitMs: 7_000 }, () => Promise.resolve());
    await again.stop();
    const updated = await withJsm(url, (jsm) => jsm.consumers.info(stream, durable));
    expect(updated.config.ack_wait).toBe(nanos(7_000));
    expect(updated.config.max_deliver).toBe(-1);
  });

  it("raises the durable's max_ack_pending to the spec's concurrency, on creation and on an existing durable", async () => {
    const { stream, prefix } = await scoped();
    const durable = `ack-${randomBytes(3).toString("hex")}`;
    const capped = await NatsJetStreamBus.connect({ servers: url, streams: [{ name: stream, subjects: [`${prefix}.>`] }], maxAckPending: 2 });
    cleanups.push(() => capped.close());
    const ackPending = async (): Promise<number | undefined> =>
      (await withJsm(url, (jsm) => jsm.consumers.info(stream, durable))).config.max_ack_pending;

    await (await capped.consume({ durable, subjects: [`${prefix}.>`] }, () => Promise.resolve())).stop();
    expect(await ackPending()).toBe(2);
    await (await capped.consume({ durable, subjects: [`${prefix}.>`], concurrency: 5 }, () => Promise.resolve())).stop();
    expect(await ackPending()).toBe(5);
    // A bus that sets none leaves the server's value, unless it is below the concurrency.
    const plain = await NatsJetStreamBus.connect({ servers: url });
    cleanups.push(() => plain.close());
    await (await plain.consume({ durable, subjects: [`${prefix}.>`], concurrency: 3 }, () => Promise.resolve())).stop();
    expect(await ackPending()).toBe(5);
    await (await plain.consume({ durable, subjects: [`${prefix}.>`], concurrency: 8 }, () => Promise.resolve())).stop();
    expect(await ackPending()).toBe(8);
  });

  it("redelivers while the handler throws and gives up after maxDeliver, telling the listener", async () => {
    const { stream, prefix } = await scoped();
    const giveUps: GiveUp[] = [];
    const bus = await NatsJetStreamBus.connect({
      servers: url,
      streams: [{ name: stream, subjects: [`${prefix}.>`] }],
      redelivery: fastRedelivery,
      onGiveUp: (g) => giveUps.push(g),
    });
    cleanups.push(() => bus.close());
    const deliveries: number[] = [];
    const healthy: string[] = [];
    const poison = message(`${prefix}.poison`);
    await bus.consume({ durable: "thrower", subjects: [`${prefix}.>`], maxDeliver: 3 }, (m) => {
      if (m.id !== poison.id) {
        healthy.push(m.id);
        return Promise.resolve();
      }
      deliveries.push(m.deliveryCount);
      return Promise.reject(new Error("cannot handle this"));
    });
    await bus.publish(poison);
    const next = message(`${prefix}.fine`);
    await bus.publish(next);
    await waitFor(() => giveUps.length === 1 && healthy.length === 1, 10_000, "the give-up and the healthy message");
    expect(deliveries).toEqual([1, 2, 3]);
    expect(giveUps[0]?.message.id).toBe(poison.id);
    expect(healthy).toEqual([next.id]);
  });

  it("XC-01: loses no message that was buffered but not handled when the consumer stopped", async () => {
    const { bus, stream, prefix } = await scoped();
    await bus.ensureStreams([{ name: stream, subjects: [`${prefix}.>`] }]);
    const sent = Array.from({ length: 5 }, (_, i) => message(`${prefix}.b${i}`));
    for (const m of sent) await bus.publish(m);
    // A short ack wait: what the stopped consumer had buffered comes back after it.
    const spec = { durable: "buffered", subjects: [`${prefix}.>`], ackWaitMs: 1_000 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const firstRun: string[] = [];
    const consumer = await bus.consume(spec, async (m) => {
      firstRun.push(m.id);
      await gate;
    });
    await waitFor(() => firstRun.length === 1, 10_000, "the first message");
    const stopping = consumer.stop();
    release();
    await stopping;

    const secondRun: { id: string; deliveryCount: number }[] = [];
    await bus.consume(spec, (m) => {
      secondRun.push({ id: m.id, deliveryCount: m.deliveryCount });
      return Promise.resolve();
    });
    await waitFor(() => secondRun.length >= 4, 10_000, "the four buffered messages");
    expect(firstRun).toEqual([sent[0]!.id]);
    expect(secondRun.map((m) => m.id).sort()).toEqual(sent.slice(1).map((m) => m.id).sort());
    expect(secondRun.every((m) => m.deliveryCount === 2)).toBe(true);
  });

  it("treats a duplicate PubAck as success and stores the message once", async () => {
    const { bus, stream, prefix } = await scoped();
    await bus.ensureStreams([{ name: stream, subjects: [`${prefix}.>`] }]);
    const sent = message(`${prefix}.once`);
    await bus.publish(sent);
    await bus.publish(sent);
    const info = await withJsm(url, (jsm) => jsm.streams.info(stream));
    expect(info.state.messages).toBe(1);
  });
});

describe.skipIf(serverBinary === undefined && !inCi)("NatsJetStreamBus across a NATS server crash", () => {
  it("XC-01: loses no acknowledged publish when the server is killed and restarted mid-stream", async () => {
    const server = await startNatsServer();
    const bus = await NatsJetStreamBus.connect({
      servers: server.url,
      streams: [{ name: "CRASH", subjects: ["crash.>"] }],
      publishTimeoutMs: 1_000,
    });
    try {
      const received = new Set<string>();
      await bus.consume({ durable: "survivor", subjects: ["crash.>"] }, (m) => {
        received.add(m.id);
        return Promise.resolve();
      });
      const acked: string[] = [];
      let failedAttempts = 0;
      // Infinity until the restart: keep publishing.
      let ackedAtRestart = Number.POSITIVE_INFINITY;
      // Publishes until 100 more have been acknowledged after the restart, so the crash falls mid-stream.
      const publishing = (async () => {
        for (let i = 0; acked.length < ackedAtRestart + 100; i++) {
          const sent = message(`crash.${i}`);
          // Like the relay: retry the same message (same id) until the stream acknowledges it.
          for (;;) {
            try {
              await bus.publish(sent);
              break;
            } catch {
              failedAttempts += 1;
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
          acked.push(sent.id);
        }
      })();
      await waitFor(() => acked.length >= 100, 20_000, "100 acknowledged publishes");
      await server.kill();
      await waitFor(() => failedAttempts > 0, 20_000, "a publish to fail while the server is down");
      await server.restart();
      ackedAtRestart = acked.length;
      await publishing;
      await waitFor(() => acked.every((id) => received.has(id)), 30_000, "every acknowledged message to arrive");
      expect(new Set(acked).size).toBe(acked.length);
      expect([...received].every((id) => acked.includes(id))).toBe(true);
    } finally {
      await bus.close();
      await server.dispose();
    }
  });
});

function message(subject: string): BusMessage {
  return { subject, id: randomUUID(), data: new TextEncoder().encode(subject), headers: {} };
}
