// The cost of sealing (issue 10): append and read throughput of the SQLite event store with and without the key ring
// in front of it (sealedEventStore: AES-256-GCM per sealed field, the data key unwrapped from the key-file custody on
// every seal and open, the event identity as associated data), same machine, same run, rounds alternated so neither
// side gets the warmer disk. 32 writers, one patient each, append message events whose text is sealed.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Database from "better-sqlite3";

import { type EventStore, type NewEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createKeyRing, memoryDataKeyStore, openKeyFileCustody, sealedEventStore, type SealingPolicy } from "@ihp/keyring";
import { openSqliteDataKeyStore } from "@ihp/keyring/sqlite";

import { round } from "./stats.js";

// npm run bench -- sealing-micro: the store path's cost per operation (issue 15) — µs per tail read of a held stream,
// per full read of a 20-event sealed stream, per sealed append — each next to its baseline measured in the same run
// (raw better-sqlite3, the plain store), rounds alternated, medians.

const WRITERS = 32;
const PER_WRITER = 100;
const ROUNDS = 3;

const policy: SealingPolicy = {
  events: { MessageSent: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["text"] } },
};

function message(patient: number, i: number): NewEvent {
  return {
    id: uuidv7(),
    type: "MessageSent",
    schemaVersion: 1,
    data: { consultId: `consult-${patient}`, patientId: `patient-${patient}`, messageId: `m-${i}`, text: `第${i}条：最近空腹血糖7.2，需要续药，请医生看一下。`, sentAt: new Date().toISOString() },
    metadata: { actorId: `patient-${patient}`, actorRole: "patient", tenantId: "hospital-1", correlationId: "c", causationId: "c", occurredAt: new Date().toISOString() },
  };
}

async function run(dir: string, sealed: boolean): Promise<{ appendsPerSec: number; readsPerSec: number }> {
  mkdirSync(dir, { recursive: true });
  const raw = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
  let store: EventStore = raw;
  let closeKeys = (): Promise<void> => Promise.resolve();
  if (sealed) {
    const custody = await openKeyFileCustody({ path: join(dir, "..", `master-${Date.now()}.json`), dataDir: dir });
    const keys = openSqliteDataKeyStore(join(dir, "keys.sqlite"));
    store = sealedEventStore(raw, { ring: createKeyRing({ custody, store: keys }), keys, policy });
    closeKeys = () => keys.close();
  }
  const batches = Array.from({ length: WRITERS }, (_, patient) => Array.from({ length: PER_WRITER }, (_, i) => message(patient, i)));
  const start = performance.now();
  await Promise.all(
    batches.map(async (events, patient) => {
      for (const [i, event] of events.entries()) await store.append(`consult-${patient}`, [event], i === 0 ? "no_stream" : i - 1);
    }),
  );
  const appendSeconds = (performance.now() - start) / 1000;
  const readStart = performance.now();
  let read = 0;
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, limit: 1_000 });
    if (page.length === 0) break;
    read += page.length;
    after = page.at(-1)!.position;
  }
  const readSeconds = (performance.now() - readStart) / 1000;
  await store.close();
  await closeKeys();
  return { appendsPerSec: (WRITERS * PER_WRITER) / appendSeconds, readsPerSec: read / readSeconds };
}

export async function runSealingBench(): Promise<void> {
  const base = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-sealing-"));
  try {
    const plain: { appendsPerSec: number; readsPerSec: number }[] = [];
    const sealed: { appendsPerSec: number; readsPerSec: number }[] = [];
    for (let roundNo = 0; roundNo < ROUNDS; roundNo++) {
      plain.push(await run(join(base, `plain-${roundNo}`, "data"), false));
      sealed.push(await run(join(base, `sealed-${roundNo}`, "data"), true));
    }
    const best = (runs: typeof plain, key: "appendsPerSec" | "readsPerSec"): number => Math.max(...runs.map((r) => r[key]));
    const figures = {
      bench: "sealing",
      writers: WRITERS,
      events: WRITERS * PER_WRITER,
      plainAppendsPerSec: round(best(plain, "appendsPerSec"), 0),
      sealedAppendsPerSec: round(best(sealed, "appendsPerSec"), 0),
      appendRatio: round(best(sealed, "appendsPerSec") / best(plain, "appendsPerSec"), 2),
      plainReadsPerSec: round(best(plain, "readsPerSec"), 0),
      sealedReadsPerSec: round(best(sealed, "readsPerSec"), 0),
      readRatio: round(best(sealed, "readsPerSec") / best(plain, "readsPerSec"), 2),
    };
    process.stdout.write(`append: ${figures.plainAppendsPerSec}/s plain, ${figures.sealedAppendsPerSec}/s sealed (×${figures.appendRatio})\n`);
    process.stdout.write(`read:   ${figures.plainReadsPerSec}/s plain, ${figures.sealedReadsPerSec}/s sealed (×${figures.readRatio})\n`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Micro-benchmark of the store path (issue 15: a prescribing flow makes ≈133 stream reads, most of them tail reads of
// streams the sealed store holds opened). Each figure is µs of this thread's CPU per operation, over a block of at least
// BLOCK_CPU_US; MICRO_ROUNDS rounds alternate the operations and their baselines; medians, and the best round.

const MICRO_ROUNDS = 5;
/**
 * CPU time, not wall time: on a shared machine other processes' load stretches wall time several-fold and this thread's
 * CPU time far less. Linux counts a thread's CPU in scheduler ticks (4 ms), so each block runs for at least 200 ms of it.
 */
const BLOCK_CPU_US = 200_000;
const STREAMS = 100;
const STREAM_EVENTS = 20;
/** Appends made (at most) per block, written beforehand so that making them is not timed. */
const APPENDS = 4_000;
/** A whole-log subscriber's events, all within RecentCommits' page (what a live subscriber is served). */
const SUBSCRIBED = 1_000;

const consultPolicy: SealingPolicy = {
  events: {
    ConsultRequested: {
      subject: (data) => data.patientId as string,
      retentionClass: "clinical",
      fields: ["patientBirthDate", "priorRecord.diagnoses[].name", "confirmedDiagnoses[].name"],
    },
    FollowUpEligibilityDecided: { retentionClass: "clinical", fields: ["verifiedDiagnoses[].name"] },
    MessageSent: { retentionClass: "clinical", fields: ["text"] },
    ConsultCompleted: { retentionClass: "clinical", fields: ["summary", "diagnoses[].name"] },
  },
  streamSubject: (first) => (first.type === "ConsultRequested" ? (first.data.patientId as string) : undefined),
};

const microMetadata = () => ({
  actorId: uuidv7(),
  actorRole: "physician",
  tenantId: uuidv7(),
  correlationId: uuidv7(),
  causationId: uuidv7(),
  occurredAt: new Date().toISOString(),
  traceparent: `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01`,
  profileVersion: "national@2026-01-01",
  requestId: uuidv7(),
});

const diagnoses = [{ code: "E11.9", name: "2型糖尿病，不伴并发症" }, { code: "I10", name: "原发性高血压" }];

/** A follow-up consult as the consult service writes it: 20 events, four types sealed (one to three fields each). */
function consultEvents(patientId: string): NewEvent[] {
  const at = () => new Date().toISOString();
  const e = (type: string, data: NewEvent["data"]): NewEvent => ({ id: uuidv7(), type, schemaVersion: 1, data, metadata: microMetadata() });
  const events: NewEvent[] = [
    e("ConsultRequested", {
      consultId: uuidv7(), patientId, institutionId: uuidv7(), patientBirthDate: "1958-03-14", kind: "follow-up",
      priorRecord: { recordId: uuidv7(), diagnoses, signedAt: at() }, confirmedDiagnoses: diagnoses, requestedAt: at(),
    }),
    e("ConsultAccepted", { physicianId: uuidv7(), acceptedAt: at() }),
    e("FollowUpEligibilityDecided", { eligible: true, verifiedDiagnoses: diagnoses, decidedAt: at(), signatureId: uuidv7() }),
    e("ConsentRecorded", { consentId: uuidv7(), recordedAt: at() }),
    e("ConsultStarted", { startedAt: at() }),
  ];
  for (let i = 0; events.length < STREAM_EVENTS - 1; i++) {
    events.push(e("MessageSent", { messageId: uuidv7(), senderRole: i % 2 === 0 ? "patient" : "physician", text: `第${i}条：最近空腹血糖7.2，餐后9.8，需要续药，请医生看一下。`, sentAt: at() }));
  }
  events.push(e("ConsultCompleted", { summary: "血糖控制尚可，继续二甲双胍 0.5g 每日两次，三月后复查糖化血红蛋白。", diagnoses, completedAt: at() }));
  return events;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** process.threadCpuUsage (node ≥ 23.9; the @types/node in use predates it). */
const threadCpuUsage = (process as NodeJS.Process & { threadCpuUsage(): NodeJS.CpuUsage }).threadCpuUsage.bind(process);

function threadCpuUs(): number {
  const used = threadCpuUsage();
  return used.user + used.system;
}

/**
 * µs of this thread's CPU per call of `op(i)`, calls awaited one by one, `chunk` at a time, until BLOCK_CPU_US have
 * been used or `limit` calls made. Everything timed runs on this thread (appends on ":memory:" write inline).
 */
async function perOp(op: (i: number) => unknown, chunk: number, limit = Number.POSITIVE_INFINITY): Promise<number> {
  const start = threadCpuUs();
  let calls = 0;
  while (calls < limit && threadCpuUs() - start < BLOCK_CPU_US) {
    for (let k = 0; k < chunk && calls < limit; k++, calls++) await op(calls);
  }
  return (threadCpuUs() - start) / calls;
}

interface MicroSetUp {
  readonly sealed: EventStore;
  /** The same store with nothing held (no stream, no event): every read opens the whole stream. */
  readonly sealedUnheld: EventStore;
  readonly raw: SqliteEventStore;
  readonly plain: SqliteEventStore;
  readonly db: Database.Database;
  readonly streams: readonly string[];
  close(): Promise<void>;
}

async function microSetUp(dir: string): Promise<MicroSetUp> {
  mkdirSync(dir, { recursive: true });
  const custody = await openKeyFileCustody({ path: join(dir, "..", "master.json"), dataDir: dir });
  const keys = openSqliteDataKeyStore(join(dir, "keys.sqlite"));
  const ring = createKeyRing({ custody, store: keys });
  const raw = SqliteEventStore.open({ path: join(dir, "sealed.sqlite") });
  const plain = SqliteEventStore.open({ path: join(dir, "plain.sqlite") });
  // A long fence TTL: the entries stay held for the whole run, so a tail read is what is timed.
  const sealed = sealedEventStore(raw, { ring, keys, policy: consultPolicy, fenceTtlMs: 3_600_000 });
  const sealedUnheld = sealedEventStore(raw, { ring, keys, policy: consultPolicy, fenceTtlMs: 3_600_000, openedStreamEvents: 0, openedEvents: 0 });
  const streams = Array.from({ length: STREAMS }, (_, i) => `consult-${i}`);
  for (const [i, streamId] of streams.entries()) {
    await sealed.append(streamId, consultEvents(`patient-${i}`), "no_stream");
    await plain.append(streamId, consultEvents(`patient-${i}`), "no_stream");
  }
  const db = new Database(join(dir, "sealed.sqlite"), { readonly: true });
  return {
    sealed,
    sealedUnheld,
    raw,
    plain,
    db,
    streams,
    close: async () => {
      db.close();
      await raw.close();
      await plain.close();
      await keys.close();
    },
  };
}

/**
 * Sequential appends of one MessageSent each (one sealed field) to a `:memory:` store (no fsync: the CPU of the path),
 * then whole-log subscribers reading the last SUBSCRIBED of them, as a projection or relay of the same process does
 * right after the commits: µs per append and per event delivered.
 */
async function appendAndSubscribe(sealing: boolean, custodyPath: string, dir: string): Promise<{ appendUs: number; subscribeUs: number }> {
  const custody = await openKeyFileCustody({ path: custodyPath, dataDir: dir });
  const keys = memoryDataKeyStore();
  const raw = SqliteEventStore.open({ path: ":memory:" });
  const store: EventStore = sealing ? sealedEventStore(raw, { ring: createKeyRing({ custody, store: keys }), keys, policy: consultPolicy }) : raw;
  const streams = Array.from({ length: 10 }, (_, i) => `consult-${i}`);
  for (const [i, streamId] of streams.entries()) await store.append(streamId, consultEvents(`patient-${i}`).slice(0, 1), "no_stream");
  const messages = Array.from({ length: APPENDS }, (_, i) => ({
    id: uuidv7(),
    type: "MessageSent",
    schemaVersion: 1,
    data: { messageId: uuidv7(), senderRole: "patient", text: `第${i}条：最近空腹血糖7.2，餐后9.8，需要续药，请医生看一下。`, sentAt: new Date().toISOString() },
    metadata: microMetadata(),
  }));
  let appended = 0;
  const appendUs = await perOp(
    async (i) => {
      await store.append(streams[i % streams.length]!, [messages[i]!], Math.floor(i / streams.length));
      appended = i + 1;
    },
    50,
    APPENDS,
  );
  if (appended < SUBSCRIBED) throw new Error(`the append block made ${appended} appends, fewer than a subscriber reads`);
  const after = BigInt(streams.length + appended - SUBSCRIBED);
  const subscribeUs =
    (await perOp(async () => {
      let delivered = 0;
      for await (const event of store.subscribe({ after })) {
        if (typeof event.data.text !== "string" || event.data.text.startsWith("ihp-sealed")) throw new Error("the subscriber got no clear text");
        if (++delivered === SUBSCRIBED) break;
      }
    }, 1)) / SUBSCRIBED;
  await store.close();
  await keys.close();
  return { appendUs, subscribeUs };
}

export async function runSealingMicroBench(): Promise<void> {
  const base = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-sealing-micro-"));
  try {
    const setUp = await microSetUp(join(base, "data"));
    const { sealed, sealedUnheld, raw, plain, db, streams } = setUp;
    const last = STREAM_EVENTS - 1;
    const statement = db.prepare("SELECT * FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision");
    const stream = (i: number) => streams[i % streams.length]!;
    // Warm: JIT, the fence and key caches, the held streams.
    for (let i = 0; i < 3 * STREAMS; i++) {
      await sealed.readStream(stream(i));
      await sealedUnheld.readStream(stream(i));
      await raw.readStream(stream(i), { after: last });
      await plain.readStream(stream(i));
    }
    const runs: Record<string, number[]> = {};
    const record = (name: string, us: number) => (runs[name] ??= []).push(us);
    for (let r = 0; r < MICRO_ROUNDS; r++) {
      // Tail reads of held streams, nothing new since the last read (the common case in a flow): the query alone on
      // its own connection, the store's readStream after a revision, the sealed store's readStream.
      record("tailReadSqlUs", await perOp((i) => statement.all(stream(i), last), 500));
      record("tailReadStoreUs", await perOp((i) => raw.readStream(stream(i), { after: last }), 500));
      record("tailReadSealedUs", await perOp((i) => sealed.readStream(stream(i)), 500));
      // Full reads of a 20-event stream: plain (parse only) and sealed (parse and open every sealed field).
      record("fullReadPlainUs", await perOp((i) => plain.readStream(stream(i)), 10));
      record("fullReadSealedUs", await perOp((i) => sealedUnheld.readStream(stream(i)), 10));
      // Appends, one event each, in memory, and subscribers behind them: plain, then sealed (one sealed field).
      const plainAppends = await appendAndSubscribe(false, join(base, "master.json"), join(base, "data"));
      const sealedAppends = await appendAndSubscribe(true, join(base, "master.json"), join(base, "data"));
      record("appendPlainUs", plainAppends.appendUs);
      record("appendSealedUs", sealedAppends.appendUs);
      record("subscribePlainUs", plainAppends.subscribeUs);
      record("subscribeSealedUs", sealedAppends.subscribeUs);
    }
    await setUp.close();
    const mid = (name: string) => median(runs[name]!);
    const figures: Record<string, unknown> = { bench: "sealing-micro", rounds: MICRO_ROUNDS, streamEvents: STREAM_EVENTS };
    for (const name of Object.keys(runs)) figures[name] = round(mid(name), 2);
    figures["tailReadSealedOverSql"] = round(mid("tailReadSealedUs") / mid("tailReadSqlUs"), 2);
    figures["fullReadSealedOverPlain"] = round(mid("fullReadSealedUs") / mid("fullReadPlainUs"), 2);
    figures["appendSealedOverPlain"] = round(mid("appendSealedUs") / mid("appendPlainUs"), 2);
    figures["subscribeSealedOverPlain"] = round(mid("subscribeSealedUs") / mid("subscribePlainUs"), 2);
    figures["best"] = Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, round(Math.min(...values), 2)]));
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
