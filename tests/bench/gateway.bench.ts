// A simple query and a simple mutation through the embedded platform (HTTP → gateway → gRPC → service → store),
// against a bare fastify handler answering the same HTTP request with a fixed body, measured in the same run with the
// same client: the ratio is what GraphQL, authentication, gRPC and the event store cost on top of HTTP itself.
// Client and servers share this machine's cores, so absolute figures are modest; the ratio is the comparison.
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Fastify from "fastify";

import { seedDemo, startEmbeddedPlatform } from "@ihp/runner";

import { drained, round, summarise, type Timing, withCpu } from "./stats.js";

const CONCURRENCY = 16;
const QUERY_REQUESTS = 2_000;
const MUTATION_REQUESTS = 600;

const QUERY = `{ publicInstitutions(first: 10) { edges { node { id name grade licenceNumber } } } }`;
const MUTATION = `mutation R($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id revision } }`;

function post(agent: Agent, url: URL, body: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** `total` requests from CONCURRENCY workers over keep-alive connections; every answer must be HTTP 200. */
async function load(url: URL, total: number, body: (i: number) => string, token?: string): Promise<Timing> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const status = await post(agent, url, body(i), token);
        if (status !== 200) throw new Error(`request ${i}: HTTP ${status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const timing = summarise(total, performance.now() - start, latencies);
  agent.destroy();
  return timing;
}

function registration(i: number): string {
  return JSON.stringify({
    query: MUTATION,
    variables: {
      input: {
        requestId: `bench-registration-${i}`,
        name: `基准测试医院${i}`,
        grade: "PRIMARY",
        licence: { number: `PDY${String(i).padStart(6, "0")}X1101`, validFrom: "2025-01-01", validUntil: "2030-12-31" },
        subjectCodes: ["02", "03"],
        jurisdiction: "national",
        hostInstitutionName: `基准测试医院${i}`,
        hostLicenceNumber: `PDY${String(i).padStart(6, "0")}X1100`,
      },
    },
  });
}

/** The query benchmark against a second embedded platform whose gateway dials its services over loopback gRPC. */
async function loopbackQuery(queryBody: string): Promise<{ result: Timing; cpuMs: number }> {
  const dataDir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-gw-loopback-"));
  const platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", inProcessTransport: false });
  try {
    await seedDemo(platform.graphqlUrl, platform.issuer, new Date());
    const url = new URL(platform.graphqlUrl);
    await load(url, 200, () => queryBody);
    await drained(performance.now(), 250);
    return await withCpu(() => load(url, QUERY_REQUESTS, () => queryBody));
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runGatewayBench(): Promise<void> {
  const dataDir = mkdtempSync(join(process.env["BENCH_DIR"] ?? tmpdir(), "ihp-bench-gw-"));
  const platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent" });
  const bare = Fastify({ logger: false });
  try {
    const demo = await seedDemo(platform.graphqlUrl, platform.issuer, new Date());
    const token = demo.tokens["system"];
    const fixed = JSON.stringify({ data: { publicInstitutions: { edges: [] } } });
    bare.post("/graphql", () => Promise.resolve(fixed));
    await bare.listen({ host: "127.0.0.1", port: 0 });
    const address = bare.server.address();
    const bareUrl = new URL(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/graphql`);
    const gatewayUrl = new URL(platform.graphqlUrl);

    const queryBody = JSON.stringify({ query: QUERY });
    await load(gatewayUrl, 200, () => queryBody); // warm-up: JIT, connections, SQLite pages
    await load(bareUrl, 200, () => queryBody);
    // Each side starts on a quiet process: the work the seeding or the mutations left behind (relays, consumers,
    // projections) would otherwise slow whichever side runs next, the baseline included, and skew the ratio.
    const quiet = <T>(work: () => Promise<T>) => drained(performance.now(), 250).then(work);
    const query = await quiet(() => withCpu(() => load(gatewayUrl, QUERY_REQUESTS, () => queryBody)));
    const queryBaseline = await quiet(() => withCpu(() => load(bareUrl, QUERY_REQUESTS, () => queryBody)));
    const mutation = await quiet(() => withCpu(() => load(gatewayUrl, MUTATION_REQUESTS, registration, token)));
    const mutationBaseline = await quiet(() => withCpu(() => load(bareUrl, MUTATION_REQUESTS, registration, token)));

    type Measured = { result: Timing; cpuMs: number };
    // CPU per request is the whole process's (the bench's client too); the baseline's is client plus bare fastify.
    const line = (name: string, requests: number, { result: t, cpuMs }: Measured, { result: baseline, cpuMs: baselineCpuMs }: Measured) => ({
      name,
      reqPerSec: t.perSec,
      baselineReqPerSec: baseline.perSec,
      ratio: round(t.perSec / baseline.perSec, 3),
      p50Ms: t.p50Ms,
      p99Ms: t.p99Ms,
      baselineP50Ms: baseline.p50Ms,
      cpuMsPerRequest: round(cpuMs / requests, 3),
      baselineCpuMsPerRequest: round(baselineCpuMs / requests, 3),
    });
    const results = [
      line("gateway-query", QUERY_REQUESTS, query, queryBaseline),
      line("gateway-mutation", MUTATION_REQUESTS, mutation, mutationBaseline),
    ];
    // The same anonymous query with the gateway calling identity over loopback gRPC (in-process transport off), on a
    // second platform started once this one stopped (one tracing context per process): what the in-process channel
    // saves per request, in this run, against the same bare-fastify baseline.
    await platform.stop();
    const loopback = await loopbackQuery(queryBody);
    results.push(line("gateway-query-loopback-grpc", QUERY_REQUESTS, loopback, queryBaseline));
    for (const result of results) process.stdout.write(`${result.name}: ${JSON.stringify(result)}\n`);
    process.stdout.write(`${JSON.stringify({ name: "gateway", concurrency: CONCURRENCY, results })}\n`);
  } finally {
    await bare.close();
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
