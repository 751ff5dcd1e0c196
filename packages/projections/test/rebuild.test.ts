import { describe, expect, it } from "vitest";

import { Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { dialects } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { readModelRows, snapshot } from "./support/snapshot.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

describe.each(dialects)("rebuild on $name", (dialect) => {
  it("replays from position zero to the same tables as the incremental run", async () => {
    const events = sampleConsultLog(240, 7);
    const db = await dialect.open();
    const log = new MemoryLog();
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: log, batchSize: 11 });

    // Incremental: the log grows between catch-ups, as it does in service.
    for (let end = 0; end < events.length; end += 37) {
      log.append(...events.slice(end, end + 37));
      await projector.runOnce();
    }
    const incremental = await snapshot(db);

    const checkpoint = await projector.rebuild();

    expect(checkpoint).toBe(events.at(-1)!.position);
    expect(await snapshot(db)).toEqual(incremental);
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
  });

  it("repairs a read model whose rows were damaged", async () => {
    const events = sampleConsultLog(120, 3);
    const db = await dialect.open();
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog(events) });
    await projector.runOnce();
    await db.deleteFrom("tenant_activity").execute();
    await db.updateTable("stream_summaries").set({ event_count: 999 }).execute();

    await projector.rebuild();

    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
  });
});
