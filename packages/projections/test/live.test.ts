import type { Transaction } from "kysely";
import { describe, expect, it } from "vitest";

import { Projector } from "../src/index.js";
import { sampleConsultLog } from "./support/consultLog.js";
import { dialects } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { failingOnApply, InjectedFailure } from "./support/failingProjection.js";
import { MemoryLog } from "./support/memoryLog.js";
import { readModelRows } from "./support/snapshot.js";
import { appendAll, everything, openStore } from "./support/sqliteStore.js";
import { streamSummaryProjection, type StreamSummaryTables } from "./support/streamSummaryProjection.js";

/** Fails a wait that would otherwise hang until the test timeout. */
const within = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(10_000) });

describe.each(dialects)("live projection from the SQLite event store on $name", (dialect) => {
  it("catches up at start, follows appends live, and resumes after a stop", async () => {
    const fixtures = sampleConsultLog(150, 31);
    const store = openStore();
    const db = await dialect.open();
    await appendAll(store, fixtures.slice(0, 50));
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: store, batchSize: 20 });

    await projector.start();
    expect(projector.running).toBe(true);
    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));

    const live = await appendAll(store, fixtures.slice(50, 100));
    await projector.waitForCheckpoint(live, within());
    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));

    await projector.stop();
    expect(projector.running).toBe(false);
    await appendAll(store, fixtures.slice(100));
    // Stopped means stopped: the batch in flight finished inside stop(), nothing is applied after it.
    expect(await projector.checkpoint()).toBe(live);

    await projector.start();
    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));
    await projector.stop();
  });

  it("applies events that arrive together in shared transactions", async () => {
    const fixtures = sampleConsultLog(120, 32);
    const store = openStore();
    const db = await dialect.open();
    const transactions = new Set<Transaction<StreamSummaryTables>>();
    const base = streamSummaryProjection();
    const projection = {
      ...base,
      apply: (trx: Transaction<StreamSummaryTables>, event: Parameters<typeof base.apply>[1]) => {
        transactions.add(trx);
        return base.apply(trx, event);
      },
    };
    const projector = new Projector({ db, projection, source: store, batchSize: 50 });
    await projector.start();

    const last = await appendAll(store, fixtures);
    await projector.waitForCheckpoint(last, within());
    await projector.stop();

    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));
    // 120 events committed by the store at once: at most batchSize per transaction, far fewer than one each.
    expect(transactions.size).toBeGreaterThanOrEqual(Math.ceil(fixtures.length / 50));
    expect(transactions.size).toBeLessThan(fixtures.length / 4);
  });

  it("a failure while live stops the projector, reports it, and a restart finishes the job", async () => {
    const fixtures = sampleConsultLog(100, 33);
    const store = openStore();
    const db = await dialect.open();
    const errors: unknown[] = [];
    const failing = failingOnApply(streamSummaryProjection(), 30);
    const projector = new Projector({
      db,
      projection: failing,
      source: store,
      batchSize: 10,
      onError: (error) => errors.push(error),
    });
    await projector.start();

    const last = await appendAll(store, fixtures);
    await expect(projector.waitForCheckpoint(last, within())).rejects.toBeInstanceOf(InjectedFailure);
    await projector.stop();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InjectedFailure);
    expect(projector.running).toBe(false);
    const checkpoint = await projector.checkpoint();
    const events = await everything(store);
    expect(await readModelRows(db)).toEqual(expectedReadModel(events.filter((event) => event.position <= checkpoint)));

    const restarted = new Projector({ db, projection: streamSummaryProjection(), source: store });
    await restarted.start();
    await restarted.stop();
    expect(await readModelRows(db)).toEqual(expectedReadModel(events));
  });

  it("a live projector replays from the start when another instance rebuilt the read model under it", async () => {
    const fixtures = sampleConsultLog(90, 34);
    const store = openStore();
    const db = await dialect.open();
    await appendAll(store, fixtures.slice(0, 60));
    const live = new Projector({ db, projection: streamSummaryProjection(), source: store });
    await live.start();

    // Another instance empties the read model (a rebuild whose replay has not started: its source is empty).
    await new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() }).rebuild();
    expect(await readModelRows(db)).toEqual({ stream_summaries: [], tenant_activity: [] });

    // Without noticing the rewind, the live instance would apply only the new events onto the emptied tables.
    const last = await appendAll(store, fixtures.slice(60));
    await live.waitForCheckpoint(last, within());
    await live.stop();
    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));
  });
});
