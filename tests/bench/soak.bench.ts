// Memory over many flows (issue 15 item 6): the embedded platform's RSS and V8 heap when idle (after start, seeding
// and a warm-up flow, then a full GC), after SOAK_FLOWS consult flows (default 10,000; 4 workers, each with its own
// actors) and after a full GC. Ends with one JSON line; the goal is RSS after GC within 20% of idle. SOAK_KEEP_DATA=1
// keeps the data folder (its path is printed) to look at what the flows left in the logs. "settled": after GC again,
// 6 s later, once what is held for seconds by design (opened streams) has expired. SOAK_HEAP_SNAPSHOT=<file> then
// writes a V8 heap snapshot (open it in Chrome DevTools) to see what the flows left on the heap.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";

import { type FlowActors, runClinicalFlow, seedDemo, startEmbeddedPlatform } from "@ihp/runner";

import { round, withCpu } from "./stats.js";

const WORKERS = 4;
const CHUNK = 1_000;
const SETTLE_MS = 6_000;

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
    // Idle as "settled" below is measured: once what the warm-up left in short-lived holds has expired.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    collectGarbage();
    const idle = memory();
    process.stdout.write(`idle: RSS ${idle.rssMb} MB, heap ${idle.heapUsedMb} MB; running ${flows} consult flows\n`);

    // In chunks of CHUNK flows, each measured on its own: CPU per flow that climbs from chunk to chunk is a cost that
    // grows with the log (BENCH_CPU_PROFILE writes one profile per chunk).
    let done = 0;
    let peakRssMb = idle.rssMb;
    const cpuMsPerFlowByChunk: number[] = [];
    const start = performance.now();
    while (done < flows) {
      const chunk = Math.min(CHUNK, flows - done);
      const chunkStart = performance.now();
      const { cpuMs } = await withCpu(() =>
        Promise.all(
          actors.map(async (actor, w) => {
            for (let i = w; i < chunk; i += WORKERS) {
              await runClinicalFlow(actor, `soak-${done + i}`, { prescribe: false });
              if (i % 100 === 0) peakRssMb = Math.max(peakRssMb, memory().rssMb);
            }
          }),
        ),
      );
      done += chunk;
      cpuMsPerFlowByChunk.push(round(cpuMs / chunk, 1));
      const perSec = round(chunk / ((performance.now() - chunkStart) / 1000), 2);
      process.stdout.write(`${done} flows: ${round(cpuMs / chunk, 1)} ms CPU per flow, ${perSec} flows/s in this chunk, RSS ${memory().rssMb} MB\n`);
    }
    const seconds = (performance.now() - start) / 1000;
    const after = memory();
    collectGarbage();
    const afterGc = memory();
    // Again once what is held for a few seconds by design (opened streams, the erasure fence: 5 s) has expired.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    collectGarbage();
    const settled = memory();
    const snapshot = process.env["SOAK_HEAP_SNAPSHOT"];
    if (snapshot !== undefined) process.stdout.write(`heap snapshot: ${writeHeapSnapshot(snapshot)}\n`);
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
      cpuMsPerFlowByChunk,
      heapAfterGcVsIdle: round(afterGc.heapUsedMb / idle.heapUsedMb, 3),
      settledRssMb: settled.rssMb,
      settledHeapMb: settled.heapUsedMb,
      rssSettledVsIdle: round(settled.rssMb / idle.rssMb, 3),
      heapSettledVsIdle: round(settled.heapUsedMb / idle.heapUsedMb, 3),
    };
    process.stdout.write(`after ${done} flows: RSS ${after.rssMb} MB (peak ${result.peakRssMb}), heap ${after.heapUsedMb} MB; after GC: RSS ${afterGc.rssMb} MB, heap ${afterGc.heapUsedMb} MB\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await platform.stop();
    if (process.env["SOAK_KEEP_DATA"] === "1") process.stdout.write(`data kept in ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}
