import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegulatorSimulator } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { pullDelivery } from "../../src/application/delivery/pullDelivery.js";
import { batchFileAdapter, type BatchManifest } from "../../src/adapters/delivery/batchFileAdapter.js";
import { appendEntries, deliveryRig, sampleEntries } from "./support/deliverySetup.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("pull and nightly batch channels (REP-04)", () => {
  it("REP-04: a pulled message not acknowledged within ackWaitMs counts as a failed attempt and is offered again after its backoff; after maxAttempts it is dead lettered", async () => {
    const rig = deliveryRig("tianjin");
    cleanups.push(() => rig.close());
    await appendEntries(rig.store, sampleEntries(1, "tianjin"));
    const ledger = rig.ledger();
    const pull = pullDelivery({ ledger, policy: { initialMs: 1_000, maxMs: 4_000, maxAttempts: 2 }, clock: rig.clock.now, ackWaitMs: 60_000, random: () => 0 });

    expect(await pull.fetch(10)).toHaveLength(1);
    rig.clock.advance(59_999);
    expect(await pull.fetch(10)).toHaveLength(0);
    rig.clock.advance(1);
    // The ack wait ran out: failed now (attempt 1), due again 500 ms later (half the first step with jitter 0).
    expect(await pull.fetch(10)).toHaveLength(0);
    expect(ledger.all()[0]?.state).toMatchObject({ status: "FAILED", attempts: 1 });
    rig.clock.advance(500);
    const again = await pull.fetch(10);
    expect(again).toHaveLength(1);
    rig.clock.advance(60_000);
    expect(await pull.fetch(10)).toHaveLength(0);
    expect(ledger.all()[0]?.state.status).toBe("DEAD_LETTERED");
    // A late acknowledgement still counts: the regulator has it.
    expect(await pull.acknowledge([{ messageId: again[0]!.messageId, serial: "TJ-LATE" }])).toEqual({ acknowledged: 1, repeated: 0, unknown: 0 });
    expect(ledger.all()[0]?.state).toMatchObject({ status: "ACKNOWLEDGED", serial: "TJ-LATE" });
  });

  it("REP-04: the nightly batch takes the facts before midnight Beijing time, keeps the file with a manifest and SHA-256, and the regulator checks the checksum", async () => {
    const rig = deliveryRig("tianjin");
    const outbox = await mkdtemp(join(tmpdir(), "ihp-batches-"));
    const simulator = await RegulatorSimulator.start({ credential: "c" });
    cleanups.push(() => rig.close(), () => simulator.stop(), () => rm(outbox, { recursive: true, force: true }));
    // Three facts of yesterday, one of today (after the cutoff 2026-12-06T16:00Z): today's waits for tomorrow night.
    const today = { ...sampleEntries(1, "tianjin")[0]!, sourceEventId: "today", occurredAt: "2026-12-06T17:00:00.000Z" };
    await appendEntries(rig.store, [...sampleEntries(3, "tianjin"), today]);
    const ledger = rig.ledger();
    const worker = rig.worker(ledger, batchFileAdapter("tianjin", { url: simulator.url, credential: "c", timeoutMs: 2_000 }, outbox), { initialMs: 1_000, maxMs: 4_000, maxAttempts: 3 });

    expect(await worker.runOnce()).toEqual({ sent: 3, acknowledged: 3, failed: 0, deadLettered: 0 });
    expect(simulator.stats.batches).toBe(1);
    const files = (await readdir(join(outbox, "tianjin"))).sort();
    expect(files).toHaveLength(2);
    const manifest = JSON.parse(await readFile(join(outbox, "tianjin", files.find((file) => file.endsWith(".manifest.json"))!), "utf8")) as BatchManifest;
    const content = await readFile(join(outbox, "tianjin", files.find((file) => file.endsWith(".jsonl"))!), "utf8");
    expect(manifest).toMatchObject({ jurisdiction: "tianjin", periodStart: "2026-12-05T16:00:00.000Z", periodEnd: "2026-12-06T16:00:00.000Z", count: 3 });
    expect(manifest.sha256).toBe(createHash("sha256").update(content).digest("hex"));
    expect(manifest.messageIds).toEqual(ledger.all().slice(0, 3).map((tracked) => tracked.message.messageId));
    expect(ledger.all()[3]?.state.status).toBe("NEW");
  });
});
