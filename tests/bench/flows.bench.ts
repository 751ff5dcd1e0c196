// Whole clinical flows through the embedded platform's gateway, as a front-end drives them (runner/clinicalFlow.ts):
// - consult: request → step-up → accept → signed eligibility → consent → start → message → signed completion;
// - prescribing: the same consult plus a signed prescription, the pharmacist's signed approval, payment, dispensing
//   and dispatch.
// Baseline, measured in the same run with the same client: the same number of HTTP requests per flow, answered by a
// bare fastify handler with a fixed body. The ratio is what the platform (GraphQL, auth, gRPC hops, event stores,
// signatures, bus) costs on top of the HTTP round trips a flow needs anyway. Each worker has its own physician,
// pharmacist and patient (one clinical session per account, IDN-08); the workers and all five services share this
// machine's cores, so absolute figures are modest. CPU per flow counts the drain too: after the last answer the
// platform still works through what the flows left (bus consumers, projections, relays) until its CPU falls under 10%.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Fastify from "fastify";

import { type FlowActors, runClinicalFlow, seedDemo, startEmbeddedPlatform } from "@ihp/runner";

import { drained, round, summarise, type Timing, withCpu } from "./stats.js";

const WORKERS = 4;
/** BENCH_FLOWS_PER_WORKER: more flows average out this shared machine's noise (default 10). */
const FLOWS_PER_WORKER = Number(process.env["BENCH_FLOWS_PER_WORKER"] ?? 10);
if (!Number.isInteger(FLOWS_PER_WORKER) || FLOWS_PER_WORKER < 1) throw new Error("BENCH_FLOWS_PER_WORKER must be a whole number ≥ 1");
/** Flows per worker before measuring: the JIT and caches settle (one was not enough: ±20% between runs). */
const WARM_FLOWS_PER_WORKER = 3;

/** Counts the HTTP requests a piece of work makes through the global fetch (the GraphQL client's transport). */
async function countingRequests<T>(work: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const original = globalThis.fetch;
  let requests = 0;
  globalThis.fetch = (input, init) => {
    requests += 1;
    return original(input, init);
  };
  try {
    return { result: await work(), requests };
  } finally {
    globalThis.fetch = original;
  }
}

/** Runs `flows` per worker concurrently; latency per flow. */
async function measure(workers: readonly ((i: number) => Promise<unknown>)[], flows: number): Promise<Timing & { exactPerSec: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    workers.map(async (flow) => {
      for (let i = 0; i < flows; i++) {
        const t0 = performance.now();
        await flow(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - start;
  // summarise rounds the rate to whole units; flows are few per second, so keep the exact rate too.
  return { ...summarise(workers.length * flows, elapsed, latencies), exactPerSec: (workers.length * flows * 1000) / elapsed };
}

export async function runFlowBench(kind: "consult" | "prescribing"): Promise<void> {
  const prescribe = kind === "prescribing";
  const dataDir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), `ihp-bench-${kind}-`));
  // BENCH_TRANSPORT=loopback measures the flow with every gRPC call over loopback HTTP/2 (the in-process transport off).
  const transport = process.env["BENCH_TRANSPORT"] === "loopback" ? "loopback" : "in-process";
  const platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", inProcessTransport: transport === "in-process" });
  const bare = Fastify({ logger: false });
  try {
    const url = platform.graphqlUrl;
    // One demo institution per worker: one person is registered once per institution (IDN-08), and each worker
    // needs its own physician, pharmacist and patient (one clinical session per account).
    const actors: FlowActors[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const seed = await seedDemo(url, platform.issuer, new Date(), { variant: `bench-${kind}-${w}` });
      const token = (role: string): string => {
        const value = seed.tokens[role];
        if (value === undefined) throw new Error(`the bench seed gave no ${role} token`);
        return value;
      };
      actors.push({
        url,
        institutionId: seed.institutionId,
        patientToken: token("patient"),
        physicianToken: token("physician"),
        pharmacistToken: token("pharmacist"),
        passkeys: seed.staff.passkeys,
      });
    }
    const flow = (w: number, round: string) => (i: number) => runClinicalFlow(actors[w]!, `${kind}-${round}-${w}-${i}`, { prescribe });

    // Warm-up (JIT, connections, SQLite pages), and the number of requests one flow makes.
    const { requests } = await countingRequests(() => flow(0, "count")(0));
    await measure(actors.map((_, w) => flow(w, "warm")), WARM_FLOWS_PER_WORKER);
    const { result: measured, cpuMs: flowCpuMs } = await withCpu(() => measure(actors.map((_, w) => flow(w, "run")), FLOWS_PER_WORKER));
    // What the flows left behind (bus consumers, projections, relays) is part of their cost: counted until the process
    // is quiet again, before the baseline runs in the same process.
    const drainStart = performance.now();
    const { result: drainMs, cpuMs: drainCpuMs } = await withCpu(() => drained(drainStart, 250));
    const cpuMs = flowCpuMs + drainCpuMs;

    const fixed = JSON.stringify({ data: { ok: true } });
    bare.post("/graphql", () => Promise.resolve(fixed));
    await bare.listen({ host: "127.0.0.1", port: 0 });
    const address = bare.server.address();
    const bareUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/graphql`;
    const baselineFlow = async () => {
      // The same number of sequential round trips, with a body of a typical size.
      for (let r = 0; r < requests; r++) {
        const response = await fetch(bareUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ ok }", variables: { pad: "x".repeat(400) } }) });
        await response.text();
      }
    };
    await measure(actors.map(() => baselineFlow), 1);
    const { result: baseline, cpuMs: baselineCpuMs } = await withCpu(() => measure(actors.map(() => baselineFlow), FLOWS_PER_WORKER));
    const flows = WORKERS * FLOWS_PER_WORKER;

    const result = {
      name: kind,
      transport,
      workers: WORKERS,
      flows,
      requestsPerFlow: requests,
      // Process CPU (platform and the bench's own HTTP client) per unit of work; the baseline figure is what the
      // client and a bare fastify cost for the same requests, so the platform's own share is the difference.
      cpuMsPerFlow: round(cpuMs / flows, 2),
      cpuMsPerRequest: round(cpuMs / (flows * requests), 3),
      // The part spent while the flows ran (what cpuMsPerFlow was before the drain was counted), and the drain.
      cpuMsPerFlowDuringFlows: round(flowCpuMs / flows, 2),
      drainMs: drainMs === undefined ? null : round(drainMs, 0),
      baselineCpuMsPerFlow: round(baselineCpuMs / flows, 2),
      flowsPerSec: round(measured.exactPerSec, 2),
      // Flows per second of the flows and their drain together: what the platform keeps up with.
      sustainedFlowsPerSec: drainMs === undefined ? null : round(flows / (flows / measured.exactPerSec + drainMs / 1000), 2),
      p50Ms: measured.p50Ms,
      p99Ms: measured.p99Ms,
      baselineFlowsPerSec: round(baseline.exactPerSec, 2),
      baselineP50Ms: baseline.p50Ms,
      ratio: round(measured.exactPerSec / baseline.exactPerSec, 3),
    };
    process.stdout.write(`${kind}: ${result.flowsPerSec} flows/s (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms), ${requests} requests per flow, ${result.cpuMsPerFlow} ms CPU per flow (${result.cpuMsPerRequest} per request); bare HTTP baseline ${result.baselineFlowsPerSec} flows/s, ${result.baselineCpuMsPerFlow} ms CPU per flow\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await bare.close();
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
