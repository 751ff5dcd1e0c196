import type { KyselyPlugin } from "kysely";
import { describe, expect, it } from "vitest";

import { ProjectionVersionMismatchError, Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { dialects, type ReadModels } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { checkpointRows, readModelRows, snapshot } from "./support/snapshot.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

/** The database, counting the statements run through it (BEGIN and COMMIT are not: the driver runs them). */
function counted(db: ReadModels): { db: ReadModels; statements: () => number } {
  let statements = 0;
  const counter: KyselyPlugin = {
    transformQuery: ({ node }) => node,
    transformResult: ({ result }) => {
      statements += 1;
      return Promise.resolve(result);
    },
  };
  return { db: db.withPlugin(counter), statements: () => statements };
}

// Issue 15: a batch's checkpoint is claimed and saved in one statement when the row holds what the projector stored
// last; when another projector moved it, or another version rebuilt it, the batch claims and checks it as before.
describe.each(dialects)("the checkpoint claim on $name", (dialect) => {
  it("locks the checkpoint and moves it past the batch in one statement when it is where this projector left it", async () => {
    const events = sampleConsultLog(40, 41);
    const { db, statements } = counted(await dialect.open());
    const projection = { ...streamSummaryProjection(), apply: () => Promise.resolve() };
    const projector = new Projector({ db, projection, source: new MemoryLog() });
    await projector.handleBatch(events.slice(0, 10));
    const before = statements();

    const result = await projector.handleBatch(events.slice(10, 20));

    expect(result.checkpoint).toBe(events[19]!.position);
    expect(statements() - before).toBe(1);
    expect(await checkpointRows(db)).toEqual([{ name: "stream_summary", position: events[19]!.position.toString(), version: 1 }]);
  });

  it("a projector whose checkpoint another one moved skips what that one applied, and the other way round", async () => {
    const events = sampleConsultLog(60, 42);
    const db = await dialect.open();
    const [one, two] = [0, 1].map(() => new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() }));
    await one!.prepare();
    await two!.prepare();

    await one!.handleBatch(events.slice(0, 30));
    // two last saw the checkpoint at the start of the log.
    const second = await two!.handleBatch(events.slice(0, 45));
    // one last saw it at 30.
    const third = await one!.handleBatch(events.slice(40));

    expect(second.duplicates).toBe(30);
    expect(third.duplicates).toBe(5);
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
    expect((await checkpointRows(db))[0]?.position).toBe(events.at(-1)!.position.toString());
  });

  it("an instance of the old version cannot write even when the rebuilt read model reached its checkpoint", async () => {
    const events = sampleConsultLog(60, 43);
    const db = await dialect.open();
    const old = new Projector({ db, projection: streamSummaryProjection({ version: 1 }), source: new MemoryLog() });
    await old.handleBatch(events.slice(0, 30));
    // Version 2 rebuilds and replays up to exactly where the old instance stands.
    const rebuilt = new Projector({ db, projection: streamSummaryProjection({ version: 2 }), source: new MemoryLog(events.slice(0, 30)) });
    await rebuilt.runOnce();
    expect(await checkpointRows(db)).toEqual([{ name: "stream_summary", position: events[29]!.position.toString(), version: 2 }]);
    const before = await snapshot(db);

    await expect(old.handleBatch(events.slice(30))).rejects.toBeInstanceOf(ProjectionVersionMismatchError);
    expect(await snapshot(db)).toEqual(before);
  });
});
