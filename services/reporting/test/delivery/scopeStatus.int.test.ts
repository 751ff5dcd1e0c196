import { createLogger } from "@ihp/platform";
import { afterEach, describe, expect, it } from "vitest";
import { regulatorDelivery } from "../../src/adapters/delivery/deliveryChannels.js";
import { uploadDeadlines } from "../../src/application/delivery/uploadDeadlines.js";
import { appendEntries, deliveryRig, sampleEntries } from "./support/deliverySetup.js";

// REP-04: which channel answers a scope. A jurisdiction without its own channel is read from the national channel
// (which takes every entry) and only its own messages count; with no channel at all nothing is delivered, so
// everything of the scope is unacknowledged.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const national = { jurisdiction: "national", adapter: "json-push", endpoint: "http://127.0.0.1:9/", credentialsFile: "-", credential: "c", timeoutMs: 1_000, batchSize: 10, retry: { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 } } as const;

async function rigWith(channels: readonly (typeof national)[]) {
  const rig = deliveryRig("tianjin");
  cleanups.push(() => rig.close());
  await appendEntries(rig.store, [...sampleEntries(3, "tianjin", "inst-tj"), ...sampleEntries(2, "yinchuan", "inst-yc")]);
  const delivery = regulatorDelivery({ store: rig.store, settings: { channels, testAccounts: new Set() }, clock: rig.clock.now, logger: createLogger({ name: "reporting", level: "silent" }), outboxDir: "/nonexistent" });
  return (scope: { jurisdiction: string; institutionId?: string }) => delivery.scopeStatus(scope, uploadDeadlines());
}

describe("delivery status by scope (REP-04)", () => {
  it("REP-04: without a channel of its own, a jurisdiction is read from the national channel, its own messages only", async () => {
    const status = await rigWith([national]);
    expect(await status({ jurisdiction: "tianjin" })).toMatchObject({ adapter: "json-push", pending: 3, summary: { unacknowledged: 3 } });
    expect(await status({ jurisdiction: "yinchuan" })).toMatchObject({ adapter: "json-push", pending: 2 });
    expect(await status({ jurisdiction: "guangxi" })).toMatchObject({ pending: 0, summary: { unacknowledged: 0, oldestUnacknowledgedAt: undefined } });
    expect(await status({ jurisdiction: "national" })).toMatchObject({ pending: 5 });
    expect(await status({ jurisdiction: "yinchuan", institutionId: "inst-yc" })).toMatchObject({ pending: 2 });
    expect(await status({ jurisdiction: "tianjin", institutionId: "inst-other" })).toMatchObject({ pending: 0 });
  });

  it("REP-04: with no channel at all, everything of the scope is unacknowledged and no adapter is named", async () => {
    const status = await rigWith([]);
    expect(await status({ jurisdiction: "tianjin" })).toMatchObject({ adapter: "", pending: 3, acknowledged: 0, summary: { unacknowledged: 3, oldestUnacknowledgedAt: "2026-12-05T20:00:00.000Z" } });
    expect(await status({ jurisdiction: "yinchuan", institutionId: "inst-yc" })).toMatchObject({ adapter: "", pending: 2 });
  });
});
