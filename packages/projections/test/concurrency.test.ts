import { describe, expect, it, onTestFinished } from "vitest";

import { openPostgresReadModels, Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { createTestSchema, DATABASE_URL, dropTestSchema, type ReadModels } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { checkpointRows, readModelRows } from "./support/snapshot.js";
import { streamSummaryProjection, type StreamSummaryTables } from "./support/streamSummaryProjection.js";

/** Each call is another process: its own pool on the same schema. */
async function sharedSchema(): Promise<() => ReadModels> {
  const schema = await createTestSchema();
  onTestFinished(() => dropTestSchema(schema));
  return () => {
    const db = openPostgresReadModels<StreamSummaryTables>(DATABASE_URL, { schema, maxConnections: 2 });
    onTestFinished(() => db.destroy());
    return db;
  };
}

describe("projectors of several processes sharing one PostgreSQL read model", () => {
  it("apply every event exactly once when they catch up at the same time", async () => {
    const open = await sharedSchema();
    const events = sampleConsultLog(300, 51);
    const log = new MemoryLog(events);
    const [one, two] = [open(), open()];
    const projectors = [
      new Projector({ db: one, projection: streamSummaryProjection(), source: log, batchSize: 7 }),
      new Projector({ db: two, projection: streamSummaryProjection(), source: log, batchSize: 11 }),
    ];

    const reached = await Promise.all(projectors.map((projector) => projector.runOnce()));

    expect(await readModelRows(one)).toEqual(expectedReadModel(events));
    const last = events.at(-1)!.position;
    expect(reached).toEqual([last, last]);
    // The stored checkpoint covers every event the projection applies; events after it that it ignores may be passed
    // over in memory (written with the next batch that changes rows), whichever projector read them last.
    const handled = streamSummaryProjection().handles!;
    const lastApplied = events.filter((event) => handled.has(event.type)).at(-1)!.position;
    const [stored] = await checkpointRows(two);
    expect(stored).toMatchObject({ name: "stream_summary", version: 1 });
    expect(BigInt(stored!.position)).toBeGreaterThanOrEqual(lastApplied);
    expect(BigInt(stored!.position)).toBeLessThanOrEqual(last);
  });

  it("all start when they create the tables at the same moment", async () => {
    // CREATE TABLE IF NOT EXISTS races in PostgreSQL's catalog; a few rounds make the race near certain.
    for (let round = 0; round < 5; round += 1) {
      const open = await sharedSchema();
      const replicas = [open(), open(), open()].map(
        (db) => new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() }),
      );
      await Promise.all(replicas.map((replica) => replica.prepare()));
    }
  });
});
