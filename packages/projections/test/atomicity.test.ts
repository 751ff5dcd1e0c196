import { describe, expect, it } from "vitest";

import { Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { dialects } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { failingOnApply, InjectedFailure } from "./support/failingProjection.js";
import { MemoryLog } from "./support/memoryLog.js";
import { readModelRows, snapshot } from "./support/snapshot.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

describe.each(dialects)("batch atomicity on $name", (dialect) => {
  it("a failure mid-batch advances neither rows nor checkpoint, and a restart resumes to the right state", async () => {
    const events = sampleConsultLog(100, 9);
    const log = new MemoryLog(events);
    const db = await dialect.open();
    const projection = streamSummaryProjection();
    await new Projector({ db, projection, source: log }).handleBatch(events.slice(0, 30));
    const before = await snapshot(db);

    const failing = failingOnApply(projection, 12);
    const crashing = new Projector({ db, projection: failing, source: log, batchSize: 25 });
    await expect(crashing.runOnce()).rejects.toBeInstanceOf(InjectedFailure);

    // Eleven applies of that batch wrote rows before the twelfth threw; all of it rolled back with the checkpoint.
    expect(failing.calls()).toBe(12);
    expect(await snapshot(db)).toEqual(before);

    const restarted = new Projector({ db, projection, source: log, batchSize: 25 });
    expect(await restarted.checkpoint()).toBe(events[29]!.position);
    await restarted.runOnce();
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
    expect(await restarted.checkpoint()).toBe(events.at(-1)!.position);
  });

  it("the batches committed before a failure stay committed", async () => {
    const events = sampleConsultLog(100, 13);
    const log = new MemoryLog(events);
    const db = await dialect.open();
    const failing = failingOnApply(streamSummaryProjection(), 50);
    const projector = new Projector({ db, projection: failing, source: log, batchSize: 20 });

    await expect(projector.runOnce()).rejects.toBeInstanceOf(InjectedFailure);

    // The checkpoint sits on a batch boundary before the failing apply, and the rows are exactly that prefix.
    const checkpoint = await projector.checkpoint();
    const committed = events.filter((event) => event.position <= checkpoint);
    expect(committed.length % 20).toBe(0);
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.length).toBeLessThan(events.length);
    expect(await readModelRows(db)).toEqual(expectedReadModel(committed));
  });
});
