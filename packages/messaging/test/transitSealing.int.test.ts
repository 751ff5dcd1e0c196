import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { busContract, sharedNatsUrl, waitFor } from "@ihp/testing";
import { NatsJetStreamBus, transitKeysFromJson, type BusMessage, type GiveUp } from "../src/index.js";
import { deleteStreams, inCi, natsReachable, withJsm } from "./natsSupport.js";

const url = sharedNatsUrl();
const reachable = await natsReachable(url);
if (!reachable) console.warn(`[transitSealing] skipped: no NATS server answers at ${url} (set NATS_URL)`);
const keys = (id = "t1") => transitKeysFromJson(JSON.stringify({ keys: [{ id, key: randomBytes(32).toString("base64") }] }));
const fastRedelivery = { initialMs: 20, maxMs: 100 };

if (reachable) {
  // The bus contract holds with sealing on: it is invisible to publishers and handlers.
  busContract("NatsJetStreamBus with transit sealing", async ({ id, subjectPrefix }) => {
    const stream = `TTEST_${id.toUpperCase()}`;
    const bus = await NatsJetStreamBus.connect({ servers: url, streams: [{ name: stream, subjects: [`${subjectPrefix}.>`] }], redelivery: fastRedelivery, transit: keys() });
    return { bus, cleanup: async () => { await bus.close(); await deleteStreams(url, [stream]); } };
  });
}

describe.skipIf(!reachable && !inCi)("NatsJetStreamBus transit sealing (issue 10, XC-01)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function scoped(options: { transit: ReturnType<typeof keys>; onGiveUp?: (g: GiveUp) => void }) {
    const id = randomBytes(5).toString("hex");
    const stream = `TSEAL_${id.toUpperCase()}`;
    const prefix = `tseal.${id}`;
    const bus = await NatsJetStreamBus.connect({ servers: url, streams: [{ name: stream, subjects: [`${prefix}.>`] }], redelivery: fastRedelivery, ...options });
    cleanups.push(() => deleteStreams(url, [stream]), () => bus.close());
    return { bus, stream, prefix };
  }

  it("the stream stores ciphertext; a consumer with the same keys receives the clear payload", async () => {
    const transit = keys();
    const { bus, stream, prefix } = await scoped({ transit });
    const sent: BusMessage = { subject: `${prefix}.v1.PrescriptionSigned`, id: randomUUID(), data: Buffer.from("陈示例 1970-03-12", "utf8"), headers: {} };
    await bus.publish(sent);
    const stored = await withJsm(url, (jsm) => jsm.streams.getMessage(stream, { seq: 1 }));
    expect(stored?.subject).toBe(sent.subject);
    expect(Buffer.from(stored!.data).includes(Buffer.from("陈示例", "utf8"))).toBe(false);
    const received: string[] = [];
    await bus.consume({ durable: "clear", subjects: [`${prefix}.>`] }, (message) => {
      received.push(Buffer.from(message.data).toString("utf8"));
      return Promise.resolve();
    });
    await waitFor(() => received.length === 1, 5_000, "the delivered message");
    expect(received).toEqual(["陈示例 1970-03-12"]);
  });

  it("a consumer without the key never hands the message to its handler: it gives up with TRANSIT_KEY_UNKNOWN", async () => {
    const { bus: publisher, stream, prefix } = await scoped({ transit: keys() });
    const giveUps: GiveUp[] = [];
    const stranger = await NatsJetStreamBus.connect({ servers: url, redelivery: fastRedelivery, transit: keys("other"), onGiveUp: (g) => giveUps.push(g) });
    cleanups.push(() => stranger.close());
    await publisher.publish({ subject: `${prefix}.v1.X`, id: randomUUID(), data: Buffer.from("secret"), headers: {} });
    const handled: unknown[] = [];
    await stranger.consume({ durable: "stranger", subjects: [`${prefix}.>`], maxDeliver: 2 }, (message) => {
      handled.push(message);
      return Promise.resolve();
    });
    await waitFor(() => giveUps.length === 1, 10_000, `the give-up on ${stream}`);
    expect(handled).toEqual([]);
    expect((giveUps[0]?.error as { code?: string }).code).toBe("TRANSIT_KEY_UNKNOWN");
  });
});
