// Event store append throughput and latency, single writer and 32 concurrent writers, against raw better-sqlite3
// inserts of the same rows with the same durability (WAL, synchronous=FULL) measured in the same run, plus the
// machine's fsync rate. The baseline commits the same number of rows per transaction as the store's group commit
// sees (1 for a single writer, 32 for 32 writers), so the ratio is the cost of what the store adds: validation,
// canonical JSON, SHA-256 chaining, revision and duplicate checks, promises.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Database from "better-sqlite3";

import { canonicalJson, uuidv7, type NewEvent } from "@ihp/eventsourcing";
import { PostgresEventStore, schemaSql } from "@ihp/eventsourcing/postgres";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import pg from "pg";

import { round, summarise, type Timing } from "./stats.js";

const SINGLE_EVENTS = 1_000;
const WRITERS = 32;
const PER_WRITER = 150;

function event(i: number): NewEvent {
  return {
    id: uuidv7(),
    type: "MedicationPrescribed",
    schemaVersion: 1,
    data: { prescriptionId: `rx-${i}`, drugCode: "XA10BA02", quantity: 28, unit: "片", days: 14, note: "每日两次，饭后服用" },
    metadata: {
      actorId: "physician-1",
      actorRole: "physician",
      tenantId: "hospital-1",
      correlationId: uuidv7(),
      causationId: uuidv7(),
      occurredAt: new Date().toISOString(),
      profileVersion: "national@2026-01-01",
    },
  };
}

function fsyncPerSec(dir: string): number {
  const fd = openSync(join(dir, "fsync-probe"), "w");
  const block = Buffer.alloc(4096, 1);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1_000) {
    writeSync(fd, block, 0, block.length, 0);
    fsyncSync(fd);
    n++;
  }
  closeSync(fd);
  return round((n / (performance.now() - start)) * 1000, 0);
}

async function storeWriters(path: string, writers: number, perWriter: number, inlineWrites = false): Promise<Timing> {
  const store = SqliteEventStore.open({ path, inlineWrites });
  const latencies: number[] = [];
  // Built before the clock starts, as the baseline's rows are.
  const events = Array.from({ length: writers }, () => Array.from({ length: perWriter }, (_, i) => event(i)));
  const start = performance.now();
  await Promise.all(
    events.map(async (mine, w) => {
      let revision: number | "no_stream" = "no_stream";
      for (const next of mine) {
        const t0 = performance.now();
        revision = (await store.append(`bench-${w}`, [next], revision)).nextExpectedRevision;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const timing = summarise(writers * perWriter, performance.now() - start, latencies);
  await store.close();
  return timing;
}

/** Raw inserts of equivalent rows, `perTransaction` rows per commit, same pragmas. */
function rawInserts(path: string, total: number, perTransaction: number): number {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL,
    metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
    UNIQUE (stream_id, revision)) STRICT`);
  const insert = db.prepare(`INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rows = Array.from({ length: total }, (_, i) => {
    const e = event(i);
    return [i + 1, `bench-${i % perTransaction}`, Math.floor(i / perTransaction), e.id, e.type, 1,
      canonicalJson(e.data), canonicalJson(e.metadata), new Date().toISOString(), "0".repeat(64), "f".repeat(64)];
  });
  const commit = db.transaction((batch: unknown[][]) => {
    for (const row of batch) insert.run(...row);
  });
  const start = performance.now();
  for (let i = 0; i < total; i += perTransaction) commit(rows.slice(i, i + perTransaction));
  const perSec = (total / (performance.now() - start)) * 1000;
  db.close();
  return round(perSec, 0);
}

const ROUNDS = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Store and baseline alternate, ROUNDS times each, on fresh files, and medians are compared: the disk's speed
 * drifts during a run (other processes, WAL checkpoints), and alternating exposes both sides to the same drift.
 */
async function compare(dir: string, writers: number, perWriter: number): Promise<Timing & { baselinePerSec: number }> {
  const store: Timing[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    store.push(await storeWriters(join(dir, `store-${writers}-${round}.sqlite`), writers, perWriter));
    baseline.push(rawInserts(join(dir, `raw-${writers}-${round}.sqlite`), writers * perWriter, writers));
  }
  return {
    perSec: median(store.map((t) => t.perSec)),
    p50Ms: median(store.map((t) => t.p50Ms)),
    p99Ms: median(store.map((t) => t.p99Ms)),
    baselinePerSec: median(baseline),
  };
}

/**
 * Issue 15 item 4: how busy the event loop is while 32 writers append, with commits on the writer thread (the
 * store's default) and on the caller's thread (the old way, as baseline in the same run): the loop's utilisation
 * (share of wall time the main thread was busy; 1 means nothing else could run) and the append rate.
 */
async function eventLoopDuringAppends(dir: string): Promise<Record<string, number>> {
  const measure = async (inline: boolean, round: number) => {
    const before = performance.eventLoopUtilization();
    const timing = await storeWriters(join(dir, `loop-${String(inline)}-${round}.sqlite`), WRITERS, PER_WRITER, inline);
    return { utilisation: performance.eventLoopUtilization(before).utilization, perSec: timing.perSec };
  };
  const thread: Awaited<ReturnType<typeof measure>>[] = [];
  const inline: Awaited<ReturnType<typeof measure>>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    thread.push(await measure(false, r));
    inline.push(await measure(true, r));
  }
  const med = (rows: typeof thread, key: keyof (typeof thread)[number]) => round(median(rows.map((row) => row[key])));
  return {
    loopUtilisation: med(thread, "utilisation"),
    eventsPerSec: med(thread, "perSec"),
    inlineLoopUtilisation: med(inline, "utilisation"),
    inlineEventsPerSec: med(inline, "perSec"),
  };
}

export async function runEventStoreBench(): Promise<void> {
  const dir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-"));
  try {
    const fsyncRate = fsyncPerSec(dir);
    process.stdout.write(`fsync: ${fsyncRate}/s on ${dir}; medians of ${ROUNDS} alternating rounds\n`);
    const single = await compare(dir, 1, SINGLE_EVENTS);
    const singleLine = {
      writers: 1,
      eventsPerSec: single.perSec,
      baselinePerSec: single.baselinePerSec,
      ratio: round(single.perSec / single.baselinePerSec),
      p50Ms: single.p50Ms,
      p99Ms: single.p99Ms,
    };
    process.stdout.write(`single writer: ${JSON.stringify(singleLine)}\n`);
    const many = await compare(dir, WRITERS, PER_WRITER);
    const eventLoop = await eventLoopDuringAppends(dir);
    process.stdout.write(`event loop during ${WRITERS} writers (writer thread vs inline commits): ${JSON.stringify(eventLoop)}\n`);
    const result = {
      name: "eventstore",
      writers: WRITERS,
      eventsPerSec: many.perSec,
      baselinePerSec: many.baselinePerSec,
      ratio: round(many.perSec / many.baselinePerSec),
      p50Ms: many.p50Ms,
      p99Ms: many.p99Ms,
      fsyncPerSec: fsyncRate,
      singleWriter: singleLine,
      eventLoop,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await runPostgresEventStoreBench();
}

const PG_ROUNDS = 3;
const PG_PER_WRITER = 40;

/**
 * The PostgreSQL event store against raw INSERTs of the same rows into the same table definition on the same server,
 * WRITERS rows per transaction (what group commit sees), alternating rounds in fresh schemas. Skipped with a reason
 * when DATABASE_URL is unreachable.
 */
export async function runPostgresEventStoreBench(): Promise<void> {
  const url = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await admin.query("SELECT 1");
  } catch (error) {
    process.stdout.write(`eventstore-postgres: skipped, ${url} unreachable (${String(error)})\n`);
    await admin.end();
    return;
  }
  const stores: Timing[] = [];
  const baseline: number[] = [];
  try {
    for (let r = 0; r < PG_ROUNDS; r++) {
      const schema = `bench_es_${process.pid}_${r}`;
      const rawSchema = `bench_raw_${process.pid}_${r}`;
      try {
        await admin.query(schemaSql(schema));
        await admin.query(schemaSql(rawSchema));
        const store = await PostgresEventStore.open({ connectionString: url, schema });
        const events = Array.from({ length: WRITERS }, () => Array.from({ length: PG_PER_WRITER }, (_, i) => event(i)));
        const latencies: number[] = [];
        const start = performance.now();
        await Promise.all(
          events.map(async (mine, w) => {
            let revision: number | "no_stream" = "no_stream";
            for (const next of mine) {
              const t0 = performance.now();
              revision = (await store.append(`bench-${w}`, [next], revision)).nextExpectedRevision;
              latencies.push(performance.now() - t0);
            }
          }),
        );
        stores.push(summarise(WRITERS * PG_PER_WRITER, performance.now() - start, latencies));
        await store.close();
        baseline.push(await rawPostgresInserts(admin, rawSchema, WRITERS * PG_PER_WRITER, WRITERS));
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${rawSchema}" CASCADE`);
      }
    }
  } finally {
    await admin.end();
  }
  const perSec = median(stores.map((t) => t.perSec));
  const baselinePerSec = median(baseline);
  const line = {
    name: "eventstore-postgres",
    writers: WRITERS,
    eventsPerSec: perSec,
    baselinePerSec,
    ratio: round(perSec / baselinePerSec),
    p50Ms: median(stores.map((t) => t.p50Ms)),
    p99Ms: median(stores.map((t) => t.p99Ms)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Plain INSERTs of equivalent rows (triggers on, same table), `perTransaction` rows per commit, one connection. */
async function rawPostgresInserts(admin: pg.Pool, schema: string, total: number, perTransaction: number): Promise<number> {
  const rows = Array.from({ length: total }, (_, i) => {
    const e = event(i);
    return [String(i + 1), `bench-${i % perTransaction}`, Math.floor(i / perTransaction), e.id, e.type, 1,
      canonicalJson(e.data), canonicalJson(e.metadata), new Date().toISOString(), "0".repeat(64), "f".repeat(64)];
  });
  const client = await admin.connect();
  try {
    const start = performance.now();
    for (let i = 0; i < total; i += perTransaction) {
      await client.query("BEGIN");
      for (const row of rows.slice(i, i + perTransaction)) {
        await client.query(`INSERT INTO "${schema}".events VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, row);
      }
      await client.query("COMMIT");
    }
    return round((total / (performance.now() - start)) * 1000, 0);
  } finally {
    client.release();
  }
}
