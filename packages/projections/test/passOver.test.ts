import { sql } from "kysely";
import { describe, expect, it } from "vitest";

import { decodePosition, Projector } from "../src/index.js";
import { type ConsultAction, consultLog } from "./support/consultLog.js";
import { dialects, type ReadModels } from "./support/databases.js";
import { expectedReadModel } from "./support/expectedReadModel.js";
import { MemoryLog } from "./support/memoryLog.js";
import { readModelRows } from "./support/snapshot.js";
import { appendAll, everything, openStore } from "./support/sqliteStore.js";
import { streamSummaryProjection } from "./support/streamSummaryProjection.js";

const within = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(10_000) });

/** One consult opened and noted, then `views` events the projection does not handle, then one more note. */
function logWithViews(views: number) {
  const actions: ConsultAction[] = [
    { kind: "open", tenant: 0 },
    { kind: "note", pick: 0 },
    ...Array.from({ length: views }, (): ConsultAction => ({ kind: "view", pick: 0 })),
    { kind: "note", pick: 0 },
  ];
  const events = consultLog(actions);
  return { handled: events.slice(0, 2), views: events.slice(2, 2 + views), note: events.slice(2 + views) };
}

/** The checkpoint as the database holds it, not as the projector reports it. */
async function storedCheckpoint(db: ReadModels, name = "stream_summary"): Promise<bigint> {
  const { rows } = await sql<{ position: string }>`SELECT position FROM projection_checkpoints WHERE name = ${name}`.execute(db);
  return decodePosition(rows[0]?.position ?? "0");
}

describe.each(dialects)("batches a projection does not handle are passed over in memory on $name (issue 15)", (dialect) => {
  it("moves the checkpoint for waiters without a write; the next batch that changes rows writes it past them", async () => {
    const log = logWithViews(5);
    const store = openStore();
    const db = await dialect.open();
    const noted = await appendAll(store, log.handled);
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: store });
    await projector.start();
    expect(await storedCheckpoint(db)).toBe(noted);

    const viewed = await appendAll(store, log.views);
    await projector.waitForCheckpoint(viewed, within());
    expect(await projector.checkpoint()).toBe(viewed);
    expect(await storedCheckpoint(db)).toBe(noted);

    const last = await appendAll(store, log.note);
    await projector.waitForCheckpoint(last, within());
    expect(await storedCheckpoint(db)).toBe(last);
    await projector.stop();
    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));
  });

  it("after a restart the passed-over events are read again and ignored again: same read model, same checkpoint", async () => {
    const log = logWithViews(5);
    const store = openStore();
    const db = await dialect.open();
    await appendAll(store, log.handled);
    const first = new Projector({ db, projection: streamSummaryProjection(), source: store });
    await first.start();
    const viewed = await appendAll(store, log.views);
    await first.waitForCheckpoint(viewed, within());
    await first.stop();
    const rowsBefore = await readModelRows(db);

    const restarted = new Projector({ db, projection: streamSummaryProjection(), source: store });
    await restarted.start();
    await restarted.stop();
    expect(await restarted.checkpoint()).toBe(viewed);
    expect(await readModelRows(db)).toEqual(rowsBefore);
  });

  it("writes the checkpoint once 1,000 events have been passed over, so a restart re-reads a bounded tail", async () => {
    const log = logWithViews(1_200);
    const store = openStore();
    const db = await dialect.open();
    await appendAll(store, log.handled);
    const projector = new Projector({ db, projection: streamSummaryProjection(), source: store, batchSize: 100 });
    await projector.start();
    const viewed = await appendAll(store, log.views);
    await projector.waitForCheckpoint(viewed, within());
    await projector.stop();
    const stored = await storedCheckpoint(db);
    const positions = (await everything(store)).map((event) => event.position);
    // The tenth batch of 100 reaches 1,000: written through a transaction; the last two batches are passed over.
    expect(stored).toBe(positions[2 + 999]);
  });

  it("a projector that passed over events still notices another instance's rebuild and replays", async () => {
    const log = logWithViews(5);
    const store = openStore();
    const db = await dialect.open();
    await appendAll(store, log.handled);
    const live = new Projector({ db, projection: streamSummaryProjection(), source: store });
    await live.start();
    const viewed = await appendAll(store, log.views);
    await live.waitForCheckpoint(viewed, within());

    await new Projector({ db, projection: streamSummaryProjection(), source: new MemoryLog() }).rebuild();
    expect(await readModelRows(db)).toEqual({ stream_summaries: [], tenant_activity: [] });

    const last = await appendAll(store, log.note);
    await live.waitForCheckpoint(last, within());
    await live.stop();
    expect(await readModelRows(db)).toEqual(expectedReadModel(await everything(store)));
  });
});
