import { createLogger, createMetricsRegistry } from "@ihp/platform";
import { RegulatorSimulator } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { regulatorDelivery } from "../../src/adapters/delivery/deliveryChannels.js";
import { appendEntries, deliveryRig, sampleEntries } from "./support/deliverySetup.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("delivery metrics (REP-04)", () => {
  it("REP-04: unacknowledged messages and the delivery lag are scraped per jurisdiction and fall to 0 once acknowledged", async () => {
    const rig = deliveryRig("tianjin");
    const simulator = await RegulatorSimulator.start({ credential: "c" });
    cleanups.push(() => rig.close(), () => simulator.stop());
    await appendEntries(rig.store, sampleEntries(3, "tianjin"));
    const registry = createMetricsRegistry({ serviceName: "reporting", defaultMetrics: false });
    const channel = { jurisdiction: "tianjin", adapter: "json-push", endpoint: simulator.url, credentialsFile: "-", credential: "c", timeoutMs: 1_000, batchSize: 10, retry: { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 } } as const;
    const delivery = regulatorDelivery({ store: rig.store, settings: { channels: [channel], testAccounts: new Set() }, clock: rig.clock.now, logger: createLogger({ name: "reporting", level: "silent" }), registry, outboxDir: "/nonexistent" });
    const unwatch = delivery.watchMetrics(registry);
    const sample = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values.find((value) => value.labels["jurisdiction"] === "tianjin")?.value;

    expect(await sample("ihp_regulator_unacknowledged_messages")).toBe(3);
    // The oldest fact is 2026-12-05T20:00Z; the clock stands at 2026-12-07T01:00Z: 29 hours.
    expect(await sample("ihp_regulator_delivery_lag_seconds")).toBe(29 * 3_600);
    expect(await delivery.runOnce()).toEqual({ tianjin: { sent: 3, acknowledged: 3, failed: 0, deadLettered: 0 } });
    expect(await sample("ihp_regulator_unacknowledged_messages")).toBe(0);
    expect(await sample("ihp_regulator_delivery_lag_seconds")).toBe(0);
    unwatch();
    expect(await sample("ihp_regulator_unacknowledged_messages")).toBeUndefined();
  });
});
