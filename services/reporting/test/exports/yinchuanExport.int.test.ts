import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { profileAt } from "@ihp/jurisdiction";
import { createLogger } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { YINCHUAN_EXPORT_COMPLETED, yinchuanExport } from "../../src/application/exports/yinchuanExport.js";
import { previousBeijingDay } from "../../src/domain/exports/yinchuanExport.js";
import type { FeedEntryRecordedData } from "../../src/domain/feed/entries.js";
import { appendEntries, deliveryRig, sampleEntries } from "../delivery/support/deliverySetup.js";

// REP-08: the daily Smart Yinchuan export of the previous Beijing day — e-prescriptions, outpatient records (the feed's
// EMR entries) and the outpatient log (consult entries) of Yinchuan's institutions, one JSON-lines file each with its
// SHA-256, a manifest, and the completion recorded once per day. The clock is the test's.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const at = (entry: FeedEntryRecordedData, occurredAt: string, id: string): FeedEntryRecordedData => ({ ...entry, occurredAt, sourceEventId: id });
const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

describe("REP-08 Yinchuan daily export", () => {
  it("REP-08: the previous Beijing day's prescriptions, outpatient records and consults of Yinchuan, a file each with its checksum, a manifest, and one completion event", async () => {
    const rig = deliveryRig("yinchuan");
    const dir = await mkdtemp(join(tmpdir(), "ihp-yinchuan-export-"));
    cleanups.push(() => rig.close(), () => rm(dir, { recursive: true, force: true }));
    // Eight Yinchuan entries at 04:00 Beijing on 2026-12-06 (4 consult, 2 prescription, 2 dispensing); Tianjin's
    // entries of the same hour; a consult at 23:59 Beijing on 12-05 (out) and one at 00:00 on 12-06 (in).
    const [first] = sampleEntries(1, "yinchuan");
    if (first === undefined) throw new Error("no sample entry");
    await appendEntries(rig.store, [
      ...sampleEntries(8, "yinchuan"),
      ...sampleEntries(4, "tianjin", "inst-tj"),
      at(first, "2026-12-05T15:59:59.000Z", "edge-before"),
      at(first, "2026-12-05T16:00:00.000Z", "edge-start"),
    ]);
    const job = yinchuanExport({ store: rig.store, clock: rig.clock.now, logger: createLogger({ name: "reporting", level: "silent" }), dir });

    // The clock stands at 2026-12-07 09:00 Beijing: the day exported is 2026-12-06.
    expect(previousBeijingDay(rig.clock.now())).toEqual({ day: "2026-12-06", from: "2026-12-05T16:00:00.000Z", to: "2026-12-06T16:00:00.000Z" });
    const outcome = await job.exportPreviousDay();
    if (outcome.status !== "EXPORTED") throw new Error(`expected an export, got ${outcome.status}`);
    const { manifest } = outcome;
    expect(manifest).toMatchObject({ exportKind: "smart_yinchuan", day: "2026-12-06", period: { from: "2026-12-05T16:00:00.000Z", to: "2026-12-06T16:00:00.000Z" }, profileVersion: profileAt("yinchuan", "2026-12-06").version });
    expect(manifest.files.map(({ recordType, count }) => [recordType, count])).toEqual([["e_prescription", 2], ["outpatient_record", 0], ["outpatient_log", 5]]);

    const folder = join(dir, "2026-12-06");
    expect((await readdir(folder)).sort()).toEqual(["2026-12-06-e_prescription.jsonl", "2026-12-06-outpatient_log.jsonl", "2026-12-06-outpatient_record.jsonl", "manifest.json"]);
    expect(JSON.parse(await readFile(join(folder, "manifest.json"), "utf8"))).toEqual(manifest);
    for (const file of manifest.files) {
      const content = await readFile(join(folder, file.fileName), "utf8");
      expect(sha256(content)).toBe(file.sha256);
      const lines = content.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(file.count);
      for (const line of lines) {
        expect(Object.keys(line).sort()).toEqual(["body", "institutionId", "messageId", "occurredAt", "type"]);
        expect(line["institutionId"]).toBe("inst-1");
      }
    }
    const log = await readFile(join(folder, "2026-12-06-outpatient_log.jsonl"), "utf8");
    expect(log).toContain('"occurredAt":"2026-12-05T16:00:00.000Z"');
    expect(log).not.toContain("2026-12-05T15:59:59");

    // Idempotent per day: a second run (a restart, another replica's timer) writes and records nothing new.
    rig.clock.advance(3_600_000);
    expect(await job.exportPreviousDay()).toEqual({ day: "2026-12-06", status: "ALREADY_EXPORTED", manifest });
    const completions = (await readWholeLog(rig.store)).filter((event) => event.type === YINCHUAN_EXPORT_COMPLETED);
    expect(completions).toHaveLength(1);
    expect(completions[0]?.streamId).toBe("reporting-export-yinchuan-2026-12-06");
    expect(completions[0]?.data).toEqual(manifest);
  });

  it("REP-08: the next day exports the next day only", async () => {
    const rig = deliveryRig("yinchuan");
    const dir = await mkdtemp(join(tmpdir(), "ihp-yinchuan-export-"));
    cleanups.push(() => rig.close(), () => rm(dir, { recursive: true, force: true }));
    await appendEntries(rig.store, sampleEntries(4, "yinchuan"));
    const job = yinchuanExport({ store: rig.store, clock: rig.clock.now, logger: createLogger({ name: "reporting", level: "silent" }), dir });
    expect((await job.exportPreviousDay()).status).toBe("EXPORTED");
    rig.clock.advance(24 * 3_600_000);
    const next = await job.exportPreviousDay();
    expect(next.status).toBe("EXPORTED");
    expect(next.status === "EXPORTED" ? next.manifest.files.map((file) => file.count) : []).toEqual([0, 0, 0]);
    expect(next.day).toBe("2026-12-07");
  });

  it("REP-08: test and demo accounts are never exported, as they are never delivered", async () => {
    const rig = deliveryRig("yinchuan");
    const dir = await mkdtemp(join(tmpdir(), "ihp-yinchuan-export-"));
    cleanups.push(() => rig.close(), () => rm(dir, { recursive: true, force: true }));
    await appendEntries(rig.store, [...sampleEntries(4, "yinchuan"), ...sampleEntries(4, "yinchuan", "inst-demo").map((entry, n) => ({ ...entry, sourceEventId: `demo-${n}` }))]);
    const job = yinchuanExport({ store: rig.store, clock: rig.clock.now, logger: createLogger({ name: "reporting", level: "silent" }), dir, testAccounts: new Set(["inst-demo"]) });
    const outcome = await job.exportPreviousDay();
    expect(outcome.status === "EXPORTED" ? outcome.manifest.files.map((file) => file.count) : []).toEqual([1, 0, 2]);
    expect(await readFile(join(dir, "2026-12-06", "2026-12-06-outpatient_log.jsonl"), "utf8")).not.toContain("inst-demo");
  });
});
