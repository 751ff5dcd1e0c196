// The cost of sealing (issue 10): append and read throughput of the SQLite event store with and without the key ring
// in front of it (sealedEventStore: AES-256-GCM per sealed field, the data key unwrapped from the key-file custody on
// every seal and open, the event identity as associated data), same machine, same run, rounds alternated so neither
// side gets the warmer disk. 32 writers, one patient each, append message events whose text is sealed.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { type EventStore, type NewEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createKeyRing, openKeyFileCustody, sealedEventStore, type SealingPolicy } from "@ihp/keyring";
import { openSqliteDataKeyStore } from "@ihp/keyring/sqlite";

import { round } from "./stats.js";

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
