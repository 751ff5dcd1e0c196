import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegulatorSimulator, type SimulatorFault } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { RegulatorAdapter } from "../../src/application/delivery/regulatorAdapter.js";
import { batchFileAdapter } from "../../src/adapters/delivery/batchFileAdapter.js";
import type { HttpEndpoint } from "../../src/adapters/delivery/httpPost.js";
import { jsonPushAdapter } from "../../src/adapters/delivery/jsonPushAdapter.js";
import { ningxiaXmlAdapter } from "../../src/adapters/delivery/ningxiaXmlAdapter.js";
import { appendEntries, deliveryRig, sampleEntries } from "./support/deliverySetup.js";

// REP-04 delivery contract: every adapter, against the regulator simulator with faults, ends with every message
// acknowledged exactly once — none lost, none extra — and prints its figures.

const CREDENTIAL = "simulator-credential";
const POLICY = { initialMs: 1_000, maxMs: 8_000, maxAttempts: 12 };
const MESSAGES = 24;

/** The faults by request number: 5xx, no answer, duplicate acks, restarts part-way through a request, delay. */
const FAULTS: Readonly<Record<number, SimulatorFault>> = {
  1: { kind: "status", status: 503 },
  2: { kind: "hang" },
  3: { kind: "duplicate-ack" },
  4: { kind: "restart-after", records: 1 },
  6: { kind: "status", status: 500 },
  7: { kind: "delay", ms: 30 },
  8: { kind: "restart-after", records: 0 },
  9: { kind: "duplicate-ack" },
  11: { kind: "hang" },
  12: { kind: "restart-after", records: 2 },
};

const ADAPTERS: readonly { name: string; make: (endpoint: HttpEndpoint, outbox: string) => RegulatorAdapter }[] = [
  { name: "json-push", make: (endpoint) => jsonPushAdapter(endpoint) },
  { name: "ningxia-xml", make: (endpoint) => ningxiaXmlAdapter(endpoint, { senderCode: "IHP-PLATFORM", receiverCode: "NX-JGPT" }) },
  { name: "batch-file", make: (endpoint, outbox) => batchFileAdapter("yinchuan", endpoint, outbox) },
];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(ADAPTERS)("REP-04 delivery contract: $name against the regulator simulator", ({ name, make }) => {
  it("REP-04 with 5xx, timeouts, duplicate acks and restarts mid-batch, every message is acknowledged exactly once, none lost, none extra", async () => {
    const rig = deliveryRig("yinchuan");
    const outbox = await mkdtemp(join(tmpdir(), "ihp-batches-"));
    const simulator = await RegulatorSimulator.start({ credential: CREDENTIAL, serialPrefix: "NX", faults: ({ index }) => FAULTS[index] });
    cleanups.push(() => rig.close(), () => simulator.stop(), () => rm(outbox, { recursive: true, force: true }));
    const entries = sampleEntries(MESSAGES, "yinchuan");
    await appendEntries(rig.store, [...entries, ...sampleEntries(4, "tianjin")]);
    const ledger = rig.ledger();
    const worker = rig.worker(ledger, make({ url: simulator.url, credential: CREDENTIAL, timeoutMs: 250 }, outbox), POLICY, 6);

    let rounds = 0;
    await ledger.catchUp();
    while (ledger.all().some((tracked) => tracked.state.status !== "ACKNOWLEDGED") && rounds < 60) {
      await worker.runOnce();
      rig.clock.advance(POLICY.maxMs);
      rounds += 1;
    }

    const log = await rig.store.readAll({ limit: 10_000 });
    const count = (type: string) => log.filter((event) => event.type === type).length;
    const acks = log.filter((event) => event.type === "RegulatorMessageAcknowledged").map((event) => event.data as { messageId: string; serial: string });
    const figures = {
      adapter: name,
      messages: ledger.all().length,
      rounds,
      requests: simulator.stats.requests,
      attempts: count("RegulatorMessageSent"),
      retries: count("RegulatorDeliveryFailed"),
      faultsInjected: simulator.stats.faultsInjected,
      restarts: simulator.stats.restarts,
      duplicatesDeduplicatedByRegulator: simulator.stats.duplicatesDeduplicated,
      acknowledged: acks.length,
      deadLettered: count("RegulatorMessageDeadLettered"),
    };
    console.log(`REP-04 delivery figures ${JSON.stringify(figures)}`);

    // Only this jurisdiction's messages, each acknowledged once, with the serial the regulator holds for it.
    expect(ledger.all()).toHaveLength(MESSAGES);
    expect(new Set(acks.map((ack) => ack.messageId)).size).toBe(MESSAGES);
    expect(acks).toHaveLength(MESSAGES);
    const held = new Map(simulator.records().map((record) => [record.businessId, record.serial]));
    expect(held.size).toBe(MESSAGES);
    for (const tracked of ledger.all()) {
      expect(tracked.state.status).toBe("ACKNOWLEDGED");
      expect(tracked.state.serial).toBe(held.get(tracked.message.businessId));
    }
    expect(new Set(held.keys())).toEqual(new Set(ledger.all().map((tracked) => tracked.message.businessId)));
    // The faults happened: retries were needed, the simulator restarted and deduplicated what was sent again.
    expect(figures.retries).toBeGreaterThan(0);
    expect(figures.restarts).toBeGreaterThan(0);
    expect(figures.duplicatesDeduplicatedByRegulator).toBeGreaterThan(0);
    expect(figures.deadLettered).toBe(0);
  });
});
