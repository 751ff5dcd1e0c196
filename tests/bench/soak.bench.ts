// Memory over many flows (issue 15 item 6): the embedded platform's RSS and V8 heap when idle (after start, seeding
// and a warm-up flow, then a full GC), after SOAK_FLOWS consult flows (default 10,000; 4 workers, each with its own
// actors) and after a full GC. Ends with one JSON line; the goal is RSS after GC within 20% of idle.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { type FlowActors, runClinicalFlow, seedDemo, startEmbeddedPlatform } from "@ihp/runner";

import { round } from "./stats.js";

const WORKERS = 4;

/** A full collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
}

function memory(): { rssMb: number; heapUsedMb: number } {
  const usage = process.memoryUsage();
  return { rssMb: round(usage.rss / 2 ** 20, 1), heapUsedMb: round(usage.heapUsed / 2 ** 20, 1) };
}

export async function runSoakBench(): Promise<void> {
  const flows = Number(process.env["SOAK_FLOWS"] ?? 10_000);
  if (!Number.isInteger(flows) || flows < WORKERS) throw new Error(`SOAK_FLOWS must be a whole number of at least ${WORKERS}`);
  const dataDir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-soak-"));
  const platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent" });
  try {
    const url = platform.graphqlUrl;
    const actors: FlowActors[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const seed = await seedDemo(url, platform.issuer, new Date(), { variant: `soak-${w}` });
      const token = (role: string): string => {
        const value = seed.tokens[role];
        if (value === undefined) throw new Error(`the soak seed gave no ${role} token`);
        return value;
      };
      actors.push({ url, institutionId: seed.institutionId, patientToken: token("patient"), physicianToken: token("physician"), pharmacistToken: token("pharmacist"), passkeys: seed.staff.passkeys });
    }
    await Promise.all(actors.map((actor, w) => runClinicalFlow(actor, `soak-warm-${w}`, { prescribe: false })));
    collectGarbage();
    const idle = memory();
    process.stdout.write(`idle: RSS ${idle.rssMb} MB, heap ${idle.heapUsedMb} MB; running ${flows} consult flows\n`);

    const perWorker = Math.ceil(flows / WORKERS);
    let done = 0;
    let peakRssMb = idle.rssMb;
    const start = performance.now();
    await Promise.all(
      actors.map(async (actor, w) => {
        for (let i = 0; i < perWorker && done < flows; i++) {
          await runClinicalFlow(actor, `soak-${w}-${i}`, { prescribe: false });
          done += 1;
          if (done % 100 === 0) peakRssMb = Math.max(peakRssMb, memory().rssMb);
          if (done % 1_000 === 0) process.stdout.write(`${done} flows, RSS ${memory().rssMb} MB\n`);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const after = memory();
    collectGarbage();
    const afterGc = memory();
    const result = {
      name: "soak",
      flows: done,
      flowsPerSec: round(done / seconds, 2),
      idleRssMb: idle.rssMb,
      idleHeapMb: idle.heapUsedMb,
      peakRssMb: Math.max(peakRssMb, after.rssMb),
      afterRssMb: after.rssMb,
      afterHeapMb: after.heapUsedMb,
      afterGcRssMb: afterGc.rssMb,
      afterGcHeapMb: afterGc.heapUsedMb,
      rssAfterGcVsIdle: round(afterGc.rssMb / idle.rssMb, 3),
      heapAfterGcVsIdle: round(afterGc.heapUsedMb / idle.heapUsedMb, 3),
    };
    process.stdout.write(`after ${done} flows: RSS ${after.rssMb} MB (peak ${result.peakRssMb}), heap ${after.heapUsedMb} MB; after GC: RSS ${afterGc.rssMb} MB, heap ${afterGc.heapUsedMb} MB\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
