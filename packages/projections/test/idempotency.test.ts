import { describe, expect, it } from "vitest";

import { EventOrderError, Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { dialects } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { readModelRows, snapshot } from "./support/snapshot.js";
import { IGNORED, streamSummaryProjection } from "./support/streamSummaryProjection.js";

describe.each(dialects)("redelivery on $name", (dialect) => {
  it("changes nothing when a batch is delivered again", async () => {
    const events = sampleConsultLog(60, 11);
    const db = await dialect.open();
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() });
    const first = await projector.handleBatch(events);
    const before = await snapshot(db);

    const again = await projector.handleBatch(events);

    const ignored = events.filter((event) => event.type === IGNORED).length;
    expect(ignored).toBeGreaterThan(0);
    expect(first).toEqual({
      checkpoint: events.at(-1)!.position,
      applied: events.length - ignored,
      ignored,
      duplicates: 0,
    });
    expect(again).toEqual({ checkpoint: events.at(-1)!.position, applied: 0, ignored: 0, duplicates: events.length });
    expect(await snapshot(db)).toEqual(before);
  });

  it("applies only the new part of overlapping and repeated deliveries", async () => {
    const events = sampleConsultLog(90, 5);
    const db = await dialect.open();
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() });

    await projector.handleBatch(events.slice(0, 40));
    const overlap = await projector.handleBatch(events.slice(25, 70));
    await projector.handleBatch(events.slice(10, 20)); // an old redelivery after progress
    // The same event twice inside one batch, as an at-least-once transport may deliver it.
    await projector.handleBatch([...events.slice(70, 80), ...events.slice(75, 90)]);

    expect(overlap.duplicates).toBe(15);
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
    expect(await projector.checkpoint()).toBe(events.at(-1)!.position);
  });

  it("refuses a batch out of log order instead of skipping the late event as a duplicate", async () => {
    const events = sampleConsultLog(30, 6);
    const db = await dialect.open();
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() });
    await projector.handleBatch(events.slice(0, 10));
    const before = await snapshot(db);
    const swapped = [events[10]!, events[12]!, events[11]!, events[13]!];

    await expect(projector.handleBatch(swapped)).rejects.toBeInstanceOf(EventOrderError);

    expect(await snapshot(db)).toEqual(before);
  });
});
