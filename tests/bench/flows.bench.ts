// Whole clinical flows through the embedded platform's gateway, as a front-end drives them (runner/clinicalFlow.ts):
// - consult: request → step-up → accept → signed eligibility → consent → start → message → signed completion;
// - prescribing: the same consult plus a signed prescription, the pharmacist's signed approval, payment, dispensing
//   and dispatch.
// The clients run in a load generator process of their own (loadGenerator.ts), as a hospital's front ends would, so
// the CPU figures are the platform's process alone; the generator's own CPU is reported beside them
// (clientCpuMsPerFlow). Baseline, measured in the same run with the same generator: the same number of HTTP requests
// per flow, answered by a bare fastify handler with a fixed body in the platform's process. The ratio is what the
// platform (GraphQL, auth, gRPC hops, event stores, signatures, bus) costs on top of the HTTP round trips a flow needs
// anyway. Each worker has its own physician, pharmacist and patient (one clinical session per account, IDN-08); the
// generator and all the services share this machine's cores, so absolute figures are modest. CPU per flow counts the
// drain too: after the last answer the platform still works through what the flows left (bus consumers, projections,
// relays) until its CPU falls under 10%.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Fastify from "fastify";

import { startEmbeddedPlatform } from "@ihp/runner";

import { type LoadReply, seededActors, startLoadGenerator } from "./loadGenerator.js";
import { drained, round, summarise, type Timing, withCpu } from "./stats.js";

const WORKERS = 4;
/**
 * BENCH_FLOWS_PER_WORKER: more flows average out this shared machine's noise. By default each benchmark measures
 * several seconds of flows (10 per worker measured ±15% between runs; a consult flow costs half a prescribing one).
 */
const DEFAULT_FLOWS_PER_WORKER = { consult: 80, prescribing: 40 } as const;

function flowsPerWorker(kind: "consult" | "prescribing"): number {
  const flows = Number(process.env["BENCH_FLOWS_PER_WORKER"] ?? DEFAULT_FLOWS_PER_WORKER[kind]);
  if (!Number.isInteger(flows) || flows < 1) throw new Error("BENCH_FLOWS_PER_WORKER must be a whole number ≥ 1");
  return flows;
}
/** Flows per worker before measuring: the JIT and caches settle (one was not enough: ±20% between runs). */
const WARM_FLOWS_PER_WORKER = 3;

/** Timing of a generator's reply, with the exact rate (flows are few per second). */
function timing(reply: LoadReply, count: number): Timing & { exactPerSec: number } {
  return { ...summarise(count, reply.elapsedMs, reply.latenciesMs), exactPerSec: (count * 1000) / reply.elapsedMs };
}

export async function runFlowBench(kind: "consult" | "prescribing"): Promise<void> {
  const flowsEach = flowsPerWorker(kind);
  const dataDir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), `ihp-bench-${kind}-`));
  // BENCH_TRANSPORT=loopback measures the flow with every gRPC call over loopback HTTP/2 (the in-process transport off).
  const transport = process.env["BENCH_TRANSPORT"] === "loopback" ? "loopback" : "in-process";
  const platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", inProcessTransport: transport === "in-process" });
  const bare = Fastify({ logger: false });
  const load = startLoadGenerator();
  try {
    const actors = await seededActors(platform, WORKERS, `bench-${kind}`);
    await load.run({ op: "actors", actors });

    // Warm-up (JIT, connections, SQLite pages), and the number of requests one flow makes.
    const { requests } = await load.run({ op: "flows", kind, round: "count", flowsPerWorker: 1, count: true });
    await load.run({ op: "flows", kind, round: "warm", flowsPerWorker: WARM_FLOWS_PER_WORKER });
    const { result: run, cpuMs: flowCpuMs } = await withCpu(() => load.run({ op: "flows", kind, round: "run", flowsPerWorker: flowsEach }));
    const flows = WORKERS * flowsEach;
    const measured = timing(run, flows);
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
    const bareRequest = { op: "bare", url: bareUrl, requests, workers: WORKERS } as const;
    await load.run({ ...bareRequest, flowsPerWorker: 1 });
    const { result: bareRun, cpuMs: baselineCpuMs } = await withCpu(() => load.run({ ...bareRequest, flowsPerWorker: flowsEach }));
    const baseline = timing(bareRun, flows);

    const result = {
      name: kind,
      transport,
      workers: WORKERS,
      flows,
      requestsPerFlow: requests,
      // The platform's process CPU per unit of work (the clients run in the load generator); the baseline figure is
      // what a bare fastify costs for the same requests.
      cpuMsPerFlow: round(cpuMs / flows, 2),
      cpuMsPerRequest: round(cpuMs / (flows * requests), 3),
      // The part spent while the flows ran (what cpuMsPerFlow was before the drain was counted), and the drain.
      cpuMsPerFlowDuringFlows: round(flowCpuMs / flows, 2),
      drainMs: drainMs === undefined ? null : round(drainMs, 0),
      baselineCpuMsPerFlow: round(baselineCpuMs / flows, 2),
      // The load generator's own CPU per flow (HTTP client, JSON, the clinicians' passkey signatures), and for the
      // baseline's requests.
      clientCpuMsPerFlow: round(run.cpuMs / flows, 2),
      baselineClientCpuMsPerFlow: round(bareRun.cpuMs / flows, 2),
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
    load.close();
    await bare.close();
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
