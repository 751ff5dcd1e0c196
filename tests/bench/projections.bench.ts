// A projector's fixed cost per live batch (issue 15): a flow appends some 44 commits, and each one wakes every
// projector following that log, most with one event. Commits are appended one at a time and each waits until every
// projector's checkpoint covers it, as a read-your-writes query would; the CPU of the same appends without projectors,
// measured in the same run, is taken off. Two kinds of projector: one that handles the event (a transaction, in which
// the checkpoint is claimed and saved) and one that does not (the batch is passed over in memory).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type EventMetadata, uuidv7, type LogPosition } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { openSqliteReadModels, type Projection, Projector } from "@ihp/projections";
import type { Kysely } from "kysely";

import { round } from "./stats.js";

const COMMITS = 2_000;
const ROUNDS = 3;

const METADATA: EventMetadata = {
  actorId: "bench",
  actorRole: "system",
  tenantId: "bench",
  correlationId: uuidv7(),
  causationId: uuidv7(),
  occurredAt: new Date(0).toISOString(),
};

/** Only the checkpoint table. */
type Tables = Record<string, never>;

/**
 * A projection whose apply writes nothing: what a handled batch costs is then the projector's own work (subscription,
 * transaction, checkpoint, waiters), which every projection pays per batch whatever its apply does.
 */
function projection(name: string, handled: string): Projection<Tables> {
  return {
    name,
    version: 1,
    handles: new Set([handled]),
    setup: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    apply: () => Promise.resolve(),
  };
}

/** CPU milliseconds of COMMITS one-event appends, each awaited with every projector's checkpoint at it. */
async function commits(store: SqliteEventStore, projectors: readonly Projector<Tables>[], type: string): Promise<number> {
  const start = process.cpuUsage();
  const streamId = `s-${uuidv7()}`;
  for (let i = 0; i < COMMITS; i += 1) {
    const event = { id: uuidv7(), type, schemaVersion: 1, data: { i }, metadata: METADATA };
    const result = await store.append(streamId, [event], i === 0 ? "no_stream" : i - 1);
    const position: LogPosition = result.events.at(-1)!.position;
    await Promise.all(projectors.map((projector) => projector.waitForCheckpoint(position)));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export async function runProjectionsBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ihp-bench-projections-"));
  // The log in memory: its appends are the same with or without projectors, and no fsync adds noise.
  const store = SqliteEventStore.open({ path: ":memory:" });
  const db: Kysely<Tables> = openSqliteReadModels<Tables>(join(dir, "read-models.sqlite"));
  const projectors = ["a", "b"].map((name) => new Projector({ db, projection: projection(name, "Handled"), source: store }));
  try {
    const figures = { bareMs: [] as number[], handledMs: [] as number[], passedOverMs: [] as number[] };
    // Warm-up round first (JIT, statements), then alternate the three kinds of run.
    for (let round = 0; round <= ROUNDS; round += 1) {
      const bare = await commits(store, [], "Handled");
      for (const projector of projectors) await projector.start();
      const handled = await commits(store, projectors, "Handled");
      const passedOver = await commits(store, projectors, "Ignored");
      for (const projector of projectors) await projector.stop();
      if (round === 0) continue;
      figures.bareMs.push(bare);
      figures.handledMs.push(handled);
      figures.passedOverMs.push(passedOver);
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const perBatchUs = (ms: number[]): number => round(((median(ms) - median(figures.bareMs)) * 1000) / (COMMITS * projectors.length), 1);
    const result = {
      name: "projections",
      commits: COMMITS,
      projectors: projectors.length,
      bareUsPerCommit: round((median(figures.bareMs) * 1000) / COMMITS, 1),
      // Main-thread CPU per live batch of one event, per projector, on top of the append.
      handledUsPerBatch: perBatchUs(figures.handledMs),
      passedOverUsPerBatch: perBatchUs(figures.passedOverMs),
    };
    process.stdout.write(`projections: ${result.handledUsPerBatch} µs per handled batch, ${result.passedOverUsPerBatch} µs per passed-over batch (append alone ${result.bareUsPerCommit} µs)\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const projector of projectors) await projector.stop();
    await db.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
