import type { StoredEvent } from "@ihp/eventsourcing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { Projector } from "../src/index.js";
import { consultLog, type ConsultAction } from "./support/consultLog.js";
import { postgres, sqlite, type Dialect, type ReadModels } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { readModelRows } from "./support/snapshot.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

const action: fc.Arbitrary<ConsultAction> = fc.oneof(
  fc.record({ kind: fc.constant("open"), tenant: fc.nat(3) }),
  fc.record({ kind: fc.constant("note"), pick: fc.nat() }),
  fc.record({ kind: fc.constant("view"), pick: fc.nat() }),
  fc.record({ kind: fc.constant("close"), pick: fc.nat() }),
);

const scenario = fc.record({
  actions: fc.array(action, { maxLength: 60 }),
  firstPosition: fc.bigInt({ min: 1n, max: 2n ** 80n }),
  gaps: fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 5 }),
  /** Where the log is cut into delivered batches. */
  cuts: fc.uniqueArray(fc.nat(60), { maxLength: 12 }),
  /** How many already-delivered events each batch repeats first (at-least-once delivery). */
  repeats: fc.array(fc.nat(4), { maxLength: 13 }),
});

/** The batches a transport might deliver: the log cut at `cuts`, each batch repeating a few events before it. */
function deliveries(events: readonly StoredEvent[], cuts: readonly number[], repeats: readonly number[]): StoredEvent[][] {
  const bounds = [...new Set([0, ...cuts.filter((cut) => cut < events.length), events.length])].sort((a, b) => a - b);
  return bounds.slice(1).map((end, index) => {
    const start = bounds[index]!;
    return events.slice(Math.max(0, start - (repeats[index] ?? 0)), end);
  });
}

/** Forgets the previous run: without a checkpoint row the next projector resets the tables. */
async function forget(db: ReadModels): Promise<void> {
  await db.schema.dropTable("projection_checkpoints").ifExists().execute();
}

async function incrementalEqualsRebuild(dialect: Dialect, numRuns: number): Promise<void> {
  const db = await dialect.open();
  await fc.assert(
    fc.asyncProperty(scenario, async ({ actions, firstPosition, gaps, cuts, repeats }) => {
      const events = consultLog(actions, { firstPosition, gaps });
      const log = new MemoryLog(events);
      await forget(db);
      const incremental = new Projector({ db, projection: streamSummaryProjection(), source: log });
      await incremental.prepare();
      for (const batch of deliveries(events, cuts, repeats)) await incremental.handleBatch(batch);
      const incrementalRows = await readModelRows(db);
      const incrementalCheckpoint = await incremental.checkpoint();

      const oneShot = new Projector({ db, projection: streamSummaryProjection(), source: log, batchSize: 10_000 });
      const rebuiltCheckpoint = await oneShot.rebuild();

      expect(await readModelRows(db)).toEqual(incrementalRows);
      expect(rebuiltCheckpoint).toBe(incrementalCheckpoint);
      expect(incrementalRows).toEqual(expectedReadModel(events));
    }),
    { numRuns },
  );
}

describe("incremental processing in any batch split equals a one-shot rebuild", () => {
  it("on sqlite", () => incrementalEqualsRebuild(sqlite, 100));
  it("on postgres", () => incrementalEqualsRebuild(postgres, 25));
});
