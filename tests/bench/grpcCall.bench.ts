// The CPU one service-to-service call costs (issue 15 item 3): the same unary call — identity's
// ClinicalAccessService.CheckReceiving, with the platform's client (serviceClient: token, trace context, deadline) and
// handler wrapper (createGrpcHandlers: span, token check, metrics, error translation) — through the embedded mode's
// in-process channel, through a real loopback gRPC connection, and as a direct call of the application function the
// handler wraps: in-process minus direct is what the call machinery costs. Calls run one after another inside a
// request's trace context, as a flow's do; tracing is context-only, as in the embedded runner without an exporter.
import { performance } from "node:perf_hooks";

import { credentials } from "@grpc/grpc-js";
import { context } from "@opentelemetry/api";
import { Registry } from "prom-client";

import { type CheckReceivingRequest, type CheckReceivingResponse, ClinicalAccessServiceService, Profession } from "@ihp/contracts/identity";
import {
  type CallContext,
  type CallScope,
  createGrpcHandlers,
  createGrpcMetrics,
  createLogger,
  enableInProcessTransport,
  fromGrpcError,
  type Principal,
  remoteTraceContext,
  serveGrpc,
  serviceClient,
  startTracing,
} from "@ihp/platform";

import { round, withCpu } from "./stats.js";

const CALLS = Number(process.env["BENCH_GRPC_CALLS"] ?? 20_000);
const WARMUP = 3_000;
/** Loopback calls cost ten times as much CPU and more wall time: fewer of them. */
const LOOPBACK_SHARE = 10;
const ROUNDS = 3;

const principal: Principal = Object.freeze({ subject: "svc-prescription", roles: Object.freeze(["service"]), tenantId: "inst-1", kind: "service" }) as Principal;
const TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzdmMtcHJlc2NyaXB0aW9uIn0.c2lnbmF0dXJlLW9mLWEtc2VydmljZS10b2tlbg";

/** The application function behind the handler (what a direct call would run). */
function checkReceiving(request: CheckReceivingRequest, call: CallContext): Promise<CheckReceivingResponse> {
  if (call.principal.tenantId !== request.institutionId) return Promise.reject(new Error("wrong tenant"));
  return Promise.resolve({ practitionerId: request.practitionerId, profession: Profession.PROFESSION_PHYSICIAN, stepUpId: "0190f0c2-7d1e-7000-8000-00000000a001", sessionId: "0190f0c2-7d1e-7000-8000-00000000b002" });
}

const request: CheckReceivingRequest = {
  practitionerId: "0190f0c2-7d1e-7000-8000-000000000c01",
  institutionId: "inst-1",
  departmentCode: "03.07",
  consultId: "0190f0c2-7d1e-7000-8000-00000000c0a1",
  patientId: "0190f0c2-7d1e-7000-8000-00000000d0b2",
};

/** CPU (user + system) per call, in microseconds, over `count` sequential calls; the best of ROUNDS. */
async function measure(call: () => Promise<unknown>, calls = CALLS): Promise<{ cpuUsPerCall: number; wallUsPerCall: number }> {
  for (let i = 0; i < Math.min(WARMUP, calls); i++) await call();
  let best = { cpuUsPerCall: Number.POSITIVE_INFINITY, wallUsPerCall: Number.POSITIVE_INFINITY };
  for (let r = 0; r < ROUNDS; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < calls; i++) await call();
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - start;
    const cpuUs = (used.user + used.system) / calls;
    if (cpuUs < best.cpuUsPerCall) best = { cpuUsPerCall: round(cpuUs, 1), wallUsPerCall: round((wall * 1000) / calls, 1) };
  }
  return best;
}

export async function runGrpcCallBench(): Promise<void> {
  const tracing = startTracing({ serviceName: "bench-grpc-call" });
  const logger = createLogger({ name: "bench", level: "silent" });
  const registry = new Registry();
  const handlers = createGrpcHandlers({ logger, verifier: { verify: () => Promise.resolve(principal) }, metrics: createGrpcMetrics(registry), tracer: tracing.tracer });
  const server = await serveGrpc({ port: 0, services: [{ definition: ClinicalAccessServiceService, implementation: { checkReceiving: handlers.unary(checkReceiving) } }] });
  const address = `127.0.0.1:${server.port}`;

  const previous = enableInProcessTransport(true);
  const inProcess = serviceClient(ClinicalAccessServiceService, address, credentials.createInsecure(), { mapError: fromGrpcError });
  enableInProcessTransport(false);
  const loopback = serviceClient(ClinicalAccessServiceService, address, credentials.createInsecure(), { mapError: fromGrpcError });
  enableInProcessTransport(previous);

  // A request's trace, as the gateway starts one; every call of the flow runs in it.
  const trace = remoteTraceContext("4bf92f3577b34da6a3ce929d0e0736aa", "00f067aa0ba902b7", context.active());
  const scope = (): CallScope => ({ token: TOKEN, timeoutMs: 5_000, parentDeadline: new Date(Date.now() + 30_000) });
  const directContext = (): CallContext => ({
    method: ClinicalAccessServiceService.checkReceiving.path,
    metadata: undefined as never,
    signal: new AbortController().signal,
    deadline: undefined,
    outgoing: () => undefined as never,
    principal,
    token: TOKEN,
  });
  const check = (response: CheckReceivingResponse): void => {
    if (response.profession !== Profession.PROFESSION_PHYSICIAN || response.practitionerId !== request.practitionerId) throw new Error("wrong answer");
  };

  const results = await context.with(trace, async () => ({
    // With BENCH_CPU_PROFILE=<prefix>: <prefix>.1 is the direct call, .2 in process, .3 loopback.
    direct: (await withCpu(() => measure(async () => check(await checkReceiving(request, directContext()))))).result,
    inProcess: (await withCpu(() => measure(async () => check(await inProcess.checkReceiving(request, scope()))))).result,
    loopback: (await withCpu(() => measure(async () => check(await loopback.checkReceiving(request, scope())), CALLS / LOOPBACK_SHARE))).result,
  }));

  inProcess.close();
  loopback.close();
  await server.stop(100);
  await tracing.shutdown();

  for (const [name, r] of Object.entries(results)) {
    process.stdout.write(`${name.padEnd(10)} cpu ${r.cpuUsPerCall.toFixed(1)} µs/call  wall ${r.wallUsPerCall.toFixed(1)} µs/call\n`);
  }
  const summary = {
    bench: "grpc-call",
    method: ClinicalAccessServiceService.checkReceiving.path,
    calls: CALLS,
    cpuMsPerCall: {
      inProcess: round(results.inProcess.cpuUsPerCall / 1000, 4),
      loopback: round(results.loopback.cpuUsPerCall / 1000, 4),
      direct: round(results.direct.cpuUsPerCall / 1000, 4),
    },
    wallMsPerCall: {
      inProcess: round(results.inProcess.wallUsPerCall / 1000, 4),
      loopback: round(results.loopback.wallUsPerCall / 1000, 4),
      direct: round(results.direct.wallUsPerCall / 1000, 4),
    },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
