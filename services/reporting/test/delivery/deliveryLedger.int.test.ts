import { createLogger, createMetricsRegistry } from "@ihp/platform";
import { RegulatorSimulator } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { deliveryWorker } from "../../src/application/delivery/deliveryWorker.js";
import { replayDeadLetters } from "../../src/application/delivery/pullDelivery.js";
import type { RegulatorAdapter } from "../../src/application/delivery/regulatorAdapter.js";
import { jsonPushAdapter } from "../../src/adapters/delivery/jsonPushAdapter.js";
import { appendEntries, deliveryRig, sampleEntries } from "./support/deliverySetup.js";

const CREDENTIAL = "simulator-credential";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(faults?: Parameters<typeof RegulatorSimulator.start>[0]["faults"]) {
  const rig = deliveryRig("tianjin");
  const simulator = await RegulatorSimulator.start({ credential: CREDENTIAL, ...(faults === undefined ? {} : { faults }) });
  cleanups.push(() => rig.close(), () => simulator.stop());
  const adapter = jsonPushAdapter({ url: simulator.url, credential: CREDENTIAL, timeoutMs: 1_000 });
  return { rig, simulator, adapter };
}

describe("ack ledger against the regulator (REP-04)", () => {
  it("REP-04: after maxAttempts failures a message is parked in the dead letter with an alert (metric and log, no personal data); a replay delivers it once", async () => {
    const { rig, simulator, adapter } = await setUp(() => ({ kind: "status", status: 503 }));
    await appendEntries(rig.store, sampleEntries(2, "tianjin"));
    const registry = createMetricsRegistry({ serviceName: "reporting", defaultMetrics: false });
    const ledger = rig.ledger();
    const logger = createLogger({ name: "reporting", level: "debug", destination: rig.logs });
    const worker = deliveryWorker({ ledger, adapter, policy: { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 }, clock: rig.clock.now, logger, batchSize: 10, random: () => 0, registry });

    const rounds = [];
    for (let i = 0; i < 4; i++) {
      rounds.push(await worker.runOnce());
      rig.clock.advance(4_000);
    }
    expect(rounds.map((round) => [round.sent, round.failed, round.deadLettered])).toEqual([[2, 2, 0], [2, 2, 0], [2, 2, 2], [0, 0, 0]]);
    expect(ledger.all().map((tracked) => tracked.state.status)).toEqual(["DEAD_LETTERED", "DEAD_LETTERED"]);
    const alerts = rig.logs.withCode("REGULATOR_MESSAGE_DEAD_LETTERED");
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({ level: 50, jurisdiction: "tianjin", attempts: 3, reason: "REGULATOR_SERVER_ERROR" });
    expect(rig.logs.raw.join("\n")).not.toMatch(/patient-|阿莫西林|J06/);
    expect(await registry.getSingleMetricAsString("ihp_regulator_dead_letters_total")).toMatch(/ihp_regulator_dead_letters_total\{jurisdiction="tianjin"[^}]*\} 2/);

    // The regulator is back; an operator replays the dead letter.
    simulator.setFaults(undefined);
    expect(await replayDeadLetters(ledger, "operator-1", rig.clock.now)).toBe(2);
    expect(await replayDeadLetters(ledger, "operator-1", rig.clock.now)).toBe(0);
    expect(await worker.runOnce()).toEqual({ sent: 2, acknowledged: 2, failed: 0, deadLettered: 0 });
    expect(simulator.records()).toHaveLength(2);
    const log = await rig.store.readAll({ limit: 1_000 });
    expect(log.filter((event) => event.type === "RegulatorMessageReplayRequested").map((event) => event.metadata.actorId)).toEqual(["operator-1", "operator-1"]);
  });

  it("REP-04: a process that died between sending and recording the answer resumes from the log; the regulator deduplicates and the message is acknowledged once with its first serial", async () => {
    const { rig, simulator, adapter } = await setUp();
    await appendEntries(rig.store, sampleEntries(3, "tianjin"));
    const dying: RegulatorAdapter = {
      ...adapter,
      async deliver(messages, now) {
        await adapter.deliver(messages, now);
        throw new Error("process killed");
      },
    };
    await expect(rig.worker(rig.ledger(), dying, { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 }).runOnce()).rejects.toThrow("process killed");
    const firstSerials = new Map(simulator.records().map((record) => [record.businessId, record.serial]));
    expect(firstSerials.size).toBe(3);

    // A new process: a new ledger built from the log alone.
    const ledger = rig.ledger();
    await ledger.catchUp();
    expect(ledger.all().map((tracked) => tracked.state.status)).toEqual(["SENT", "SENT", "SENT"]);
    expect(await rig.worker(ledger, adapter, { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 }).runOnce()).toEqual({ sent: 3, acknowledged: 3, failed: 0, deadLettered: 0 });
    expect(simulator.records().map((record) => record.copies)).toEqual([2, 2, 2]);
    for (const tracked of ledger.all()) expect(tracked.state.serial).toBe(firstSerials.get(tracked.message.businessId));
    const log = await rig.store.readAll({ limit: 1_000 });
    expect(log.filter((event) => event.type === "RegulatorMessageAcknowledged")).toHaveLength(3);
  });

  it("REP-04: messages naming a test or demo account (institution, patient, physician, pharmacist) are never sent", async () => {
    const { rig, simulator, adapter } = await setUp();
    await appendEntries(rig.store, [...sampleEntries(4, "tianjin"), ...sampleEntries(2, "tianjin", "inst-demo").map((entry) => ({ ...entry, sourceEventId: `demo-${entry.sourceEventId}` }))]);
    const ledger = rig.ledger(["inst-demo", "patient-0"]);
    await rig.worker(ledger, adapter, { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 }).runOnce();
    expect(ledger.withheld).toBe(3);
    expect(simulator.records().map((record) => record.type).sort()).toEqual(["CONSULT.COMPLETED", "DISPENSING", "PRESCRIPTION.SIGNED"]);
    expect(JSON.stringify(simulator.records())).not.toMatch(/inst-demo|"patient-0"/);
  });
});
