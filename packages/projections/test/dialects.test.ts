import { describe, expect, it } from "vitest";

import { Projector } from "../src/index.js";
import { BEYOND_64_BITS, sampleConsultLog } from "./support/consultLog.js";
import { postgres, sqlite } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { snapshot } from "./support/snapshot.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

describe("the same projection on SQLite and PostgreSQL", () => {
  it("produces identical tables and checkpoints from the same events", async () => {
    const events = sampleConsultLog(300, 42);
    const log = new MemoryLog(events);
    const projection = streamSummaryProjection();
    const [onSqlite, onPostgres] = await Promise.all([sqlite.open(), postgres.open()]);

    for (const db of [onSqlite, onPostgres]) {
      await new Projector({ db, projection, source: log, batchSize: 17 }).runOnce();
    }

    const fromSqlite = await snapshot(onSqlite);
    const fromPostgres = await snapshot(onPostgres);
    expect(fromPostgres).toEqual(fromSqlite);
    // Identical and right: both match the read model computed in memory.
    const { checkpoints, ...rows } = fromSqlite;
    expect(rows).toEqual(expectedReadModel(events));
    expect(rows.stream_summaries.length).toBeGreaterThan(5);
    expect(rows.tenant_activity.length).toBeGreaterThan(0);
    // The checkpoint is beyond 64 bits and survives the round trip as text on both.
    const last = events.at(-1)!.position;
    expect(last).toBeGreaterThan(BEYOND_64_BITS);
    expect(checkpoints).toEqual([{ name: "stream_summary", position: last.toString(), version: 1 }]);
  });
});
