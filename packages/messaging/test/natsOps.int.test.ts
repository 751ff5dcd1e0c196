import { randomBytes, randomUUID } from "node:crypto";
import { sharedNatsUrl, waitFor } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { NatsJetStreamBus } from "../src/index.js";
import { deleteStreams, inCi, natsReachable } from "./natsSupport.js";

// Issue 14 item 3: what the service host's metrics and health read from a JetStream bus.
const url = sharedNatsUrl();
const reachable = await natsReachable(url);
if (!reachable) console.warn(`[natsOps] skipped: no NATS server answers at ${url} (set NATS_URL)`);

describe.skipIf(!reachable && !inCi)("JetStream consumer lag and bus check (issue 14 item 3)", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("pending() is the durable's num_pending: what waits behind a held handler, 0 once all are handled", async () => {
    const id = randomBytes(5).toString("hex");
    const stream = `OPS_${id.toUpperCase()}`;
    const subject = `ops.${id}.x`;
    const bus = await NatsJetStreamBus.connect({ servers: url, streams: [{ name: stream, subjects: [`ops.${id}.>`] }], fetchBatch: 1 });
    cleanups.push(() => deleteStreams(url, [stream]), () => bus.close());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    cleanups.push(() => Promise.resolve(release()));
    let handled = 0;
    const consumer = await bus.consume({ durable: `ops-${id}`, subjects: [subject] }, async () => {
      await held;
      handled += 1;
    });
    for (let i = 0; i < 6; i += 1) await bus.publish({ subject, id: randomUUID(), data: new Uint8Array([i]), headers: {} });

    // One message in the handler, at most one more fetched ahead: the rest are pending on the server.
    await waitFor(async () => (await consumer.pending?.()) !== undefined && (await consumer.pending!()) <= 5);
    const waiting = await consumer.pending!();
    expect(waiting).toBeGreaterThanOrEqual(4);
    expect(waiting).toBeLessThanOrEqual(5);

    release();
    await waitFor(() => handled === 6);
    expect(await consumer.pending!()).toBe(0);
    await bus.check();
    await consumer.stop();
  }, 30_000);

  it("check() answers while connected and fails once the bus is closed", async () => {
    const bus = await NatsJetStreamBus.connect({ servers: url, streams: [] });
    await expect(bus.check()).resolves.toBeUndefined();
    await bus.close();
    await expect(bus.check()).rejects.toThrow();
  });
});
