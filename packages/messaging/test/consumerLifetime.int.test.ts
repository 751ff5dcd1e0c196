import { randomBytes, randomUUID } from "node:crypto";
import { nanos } from "@nats-io/nats-core";
import { JetStreamApiError } from "@nats-io/jetstream";
import { afterEach, describe, expect, it } from "vitest";
import { NatsJetStreamBus } from "../src/index.js";
import { sharedNatsUrl, waitFor } from "@ihp/testing";
import { deleteStreams, inCi, natsReachable, withJsm } from "./natsSupport.js";

// Issue 14 item 2: a durable named after a pod (the gateway's feed consumer) must not outlive the pod by more than
// its inactive threshold, and a new one starts at new messages instead of replaying the stream.
const url = sharedNatsUrl();
const reachable = await natsReachable(url);
if (!reachable) console.warn(`[consumerLifetime] skipped: no NATS server answers at ${url} (set NATS_URL)`);

describe.skipIf(!reachable && !inCi)("durable lifetime and start (issue 14 item 2)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("a durable with startAt new skips earlier messages, and JetStream removes it once inactive past its threshold", async () => {
    const id = randomBytes(5).toString("hex");
    const stream = `LTEST_${id.toUpperCase()}`;
    const subject = `ltest.${id}.x`;
    const bus = await NatsJetStreamBus.connect({ servers: url, streams: [{ name: stream, subjects: [`ltest.${id}.>`] }] });
    cleanups.push(() => deleteStreams(url, [stream]), () => bus.close());

    await bus.publish({ subject, id: randomUUID(), data: new Uint8Array([1]), headers: {} });
    const seen: number[] = [];
    const durable = `pod-${id}`;
    const consumer = await bus.consume({ durable, subjects: [subject], startAt: "new", inactiveThresholdMs: 1_000 }, (message) => {
      seen.push(message.data[0] ?? -1);
      return Promise.resolve();
    });
    await bus.publish({ subject, id: randomUUID(), data: new Uint8Array([2]), headers: {} });
    await waitFor(() => seen.length > 0);
    expect(seen).toEqual([2]);
    const info = await withJsm(url, (jsm) => jsm.consumers.info(stream, durable));
    expect(info.config.inactive_threshold).toBe(nanos(1_000));

    await consumer.stop();
    await waitFor(
      async () =>
        withJsm(url, async (jsm) => {
          try {
            await jsm.consumers.info(stream, durable);
            return false;
          } catch (error) {
            return error instanceof JetStreamApiError;
          }
        }),
      15_000,
      "the inactive durable removed",
    );
  }, 30_000);
});
