import { describe, expect, it } from "vitest";

import { ProjectionVersionMismatchError, Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { dialects } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { checkpointRows, readModelRows, snapshot } from "./support/snapshot.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

const shout = (type: string): string => type.toUpperCase();

describe.each(dialects)("projection version on $name", (dialect) => {
  it("a bumped version rebuilds the read model from the start of the log", async () => {
    const events = sampleConsultLog(150, 21);
    const log = new MemoryLog(events);
    const db = await dialect.open();
    await new Projector({ db, projection: streamSummaryProjection({ version: 1 }), source: log }).runOnce();
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));

    const v2 = new Projector({ db, projection: streamSummaryProjection({ version: 2, label: shout }), source: log });
    await v2.prepare();
    // Reset before any replay: nothing written by version 1 survives.
    expect(await readModelRows(db)).toEqual({ stream_summaries: [], tenant_activity: [] });
    expect(await checkpointRows(db)).toEqual([{ name: "stream_summary", position: "0", version: 2 }]);

    await v2.runOnce();
    // Every row carries version 2's output, including rows first written by version 1.
    expect(await readModelRows(db)).toEqual(expectedReadModel(events, shout));
    const last = events.at(-1)!.position.toString();
    expect(await checkpointRows(db)).toEqual([{ name: "stream_summary", position: last, version: 2 }]);
  });

  it("an unchanged version resumes from its checkpoint without a reset", async () => {
    const events = sampleConsultLog(80, 22);
    const log = new MemoryLog(events.slice(0, 50));
    const db = await dialect.open();
    await new Projector({ db, projection: streamSummaryProjection(), source: log }).runOnce();
    log.append(...events.slice(50));

    const next = new Projector({ db, projection: streamSummaryProjection(), source: log });
    await next.prepare();
    expect(await readModelRows(db)).toEqual(expectedReadModel(events.slice(0, 50)));
    const result = await next.handleBatch(events);
    expect(result.duplicates).toBe(50);
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
  });

  it("an instance of the old version still running cannot write into the rebuilt read model", async () => {
    const events = sampleConsultLog(80, 23);
    const log = new MemoryLog(events);
    const db = await dialect.open();
    const old = new Projector({ db, projection: streamSummaryProjection({ version: 1 }), source: log });
    await old.handleBatch(events.slice(0, 40));
    await new Projector({ db, projection: streamSummaryProjection({ version: 2, label: shout }), source: log }).runOnce();
    const rebuilt = await snapshot(db);

    await expect(old.handleBatch(events.slice(40))).rejects.toBeInstanceOf(ProjectionVersionMismatchError);
    expect(await snapshot(db)).toEqual(rebuilt);
  });
});
