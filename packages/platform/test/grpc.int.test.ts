import { join } from "node:path";
import { ChannelCredentials, type Client, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { context, trace } from "@opentelemetry/api";
import { ErrorDetail, HealthCheckResponse_ServingStatus as Serving, HealthClient } from "@ihp/contracts";
import { DomainError } from "@ihp/eventsourcing";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BuiltinIssuer,
  callDeadline,
  channelCredentials,
  createGrpcHandlers,
  createGrpcMetrics,
  createLogger,
  createMetricsRegistry,
  ERROR_DETAIL_TRAILER,
  fromGrpcError,
  HealthService,
  injectTraceContext,
  type RunningGrpcServer,
  serveGrpc,
  startTracing,
  type Tracing,
  TokenVerifier,
  withBearerToken,
} from "../src/index.js";
import { callUnary, EchoClient, EchoDefinition, type EchoReply, type EchoRequest } from "./support/echoService.js";
import { LogCapture } from "./support/logCapture.js";

const ISSUER = "urn:ihp:builtin";
const AUDIENCE = "ihp";
const ID_NUMBER = "11010519491231002X";
const TLS_DIR = join(import.meta.dirname, "fixtures", "tls");

const exporter = new InMemorySpanExporter();
const capture = new LogCapture();
const registry = createMetricsRegistry({ serviceName: "test", defaultMetrics: false });
let tracing: Tracing;
let issuer: BuiltinIssuer;
let token: string;
const servers: RunningGrpcServer[] = [];
const clients: Client[] = [];
const released: (() => void)[] = [];
const aborted: string[] = [];

function implementation(verifier: TokenVerifier) {
  const handlers = createGrpcHandlers({
    logger: createLogger({ name: "echo", level: "info", destination: capture }),
    verifier,
    metrics: createGrpcMetrics(registry),
    tracer: tracing.tracer,
  });
  return {
    echo: handlers.unary<EchoRequest, EchoReply>(async (request, call) => {
      await Promise.resolve();
      const [traceparent] = call.outgoing().get("traceparent");
      return { text: request.text, subject: call.principal.subject, traceparent: String(traceparent) };
    }),
    fail: handlers.unary<EchoRequest, EchoReply>((request) => {
      if (request.text === "refuse") {
        return Promise.reject(new DomainError("FIRST_VISIT_NOT_ALLOWED", "FAILED_PRECONDITION", "First visits are not allowed", "CON-02"));
      }
      return Promise.reject(new Error(`SQLITE_BUSY while saving patient ${ID_NUMBER}`));
    }),
    ping: handlers.unary<EchoRequest, EchoReply>(async (request, call) => {
      // "hang" runs until the call is cancelled; "slow" until the test releases it; "late" looks at its signal only
      // after the deadline has passed.
      if (request.text === "late") {
        await new Promise((resolve) => setTimeout(resolve, 300));
        aborted.push(`late: ${call.signal.aborted ? "aborted" : "not aborted"}`);
        return { text: "pong" };
      }
      await new Promise<void>((resolve) => {
        if (request.text === "slow") released.push(resolve);
        call.signal.addEventListener("abort", () => {
          aborted.push(request.text);
          resolve();
        });
      });
      call.signal.throwIfAborted();
      return { text: "pong" };
    }),
    count: handlers.serverStream<EchoRequest, EchoReply>(async (request, _call, send) => {
      for (let i = 1; i <= Number(request.text); i++) await send({ text: String(i) });
    }),
  };
}

async function start(options: { tls?: boolean; mutual?: boolean } = {}) {
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE });
  const health = new HealthService();
  const server = await serveGrpc({
    port: 0,
    services: [{ definition: EchoDefinition, implementation: implementation(verifier) }],
    health,
    tls: options.tls
      ? {
          certFile: join(TLS_DIR, "server.crt"),
          keyFile: join(TLS_DIR, "server.key"),
          caFile: options.mutual ? join(TLS_DIR, "ca.crt") : undefined,
        }
      : undefined,
  });
  servers.push(server);
  return { server, health, address: `localhost:${server.port}` };
}

function echoClient(address: string, credentials = ChannelCredentials.createInsecure()) {
  const client = new EchoClient(address, credentials);
  clients.push(client);
  return client;
}

function healthClient(address: string, credentials = ChannelCredentials.createInsecure()) {
  const client = new HealthClient(address, credentials);
  clients.push(client);
  return client;
}

function check(client: HealthClient, service: string): Promise<Serving> {
  return new Promise((resolve, reject) => {
    client.check({ service }, new Metadata(), callDeadline(5_000), (error, response) => {
      if (error === null) resolve(response.status);
      else reject(error);
    });
  });
}

async function failure(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("call succeeded");
}

function detail(error: ServiceError): ErrorDetail {
  return ErrorDetail.decode(error.metadata.get(ERROR_DETAIL_TRAILER)[0] as Buffer);
}

beforeAll(async () => {
  tracing = startTracing({ serviceName: "echo", exporter });
  issuer = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE });
  token = await issuer.issue({ subject: "u-1001", roles: ["physician"], tenantId: "inst-1" });
});

afterEach(async () => {
  for (const release of released.splice(0)) release();
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.stop(1_000)));
});

afterAll(async () => {
  await tracing.shutdown();
});

describe("HealthService over a real server", () => {
  it("answers Check with SERVING for the server and each service, NOT_FOUND for others", async () => {
    const { address } = await start();
    const client = healthClient(address);
    expect(await check(client, "")).toBe(Serving.SERVING);
    expect(await check(client, "ihp.test.v1.EchoService")).toBe(Serving.SERVING);
    expect((await failure(check(client, "ihp.nope.v1.Nope"))).code).toBe(status.NOT_FOUND);
  });

  it("streams status changes through Watch and ends the stream on shutdown", async () => {
    const { address, health, server } = await start();
    const stream = healthClient(address).watch({ service: "ihp.test.v1.EchoService" });
    const messages = stream[Symbol.asyncIterator]() as AsyncIterator<{ status: Serving }>;
    expect((await messages.next()).value).toEqual({ status: Serving.SERVING });
    health.setStatus("ihp.test.v1.EchoService", "NOT_SERVING");
    expect((await messages.next()).value).toEqual({ status: Serving.NOT_SERVING });
    health.setStatus("ihp.test.v1.EchoService", "SERVING");
    expect((await messages.next()).value).toEqual({ status: Serving.SERVING });
    const stopping = server.stop(5_000);
    expect((await messages.next()).value).toEqual({ status: Serving.NOT_SERVING });
    expect((await messages.next()).done).toBe(true);
    await stopping;
  });

  it("reports SERVICE_UNKNOWN to a watcher of an unregistered service, then its status once set", async () => {
    const { address, health } = await start();
    const messages = healthClient(address).watch({ service: "ihp.later.v1.Later" })[Symbol.asyncIterator]() as AsyncIterator<{
      status: Serving;
    }>;
    expect((await messages.next()).value).toEqual({ status: Serving.SERVICE_UNKNOWN });
    health.setStatus("ihp.later.v1.Later", "SERVING");
    expect((await messages.next()).value).toEqual({ status: Serving.SERVING });
  });
});

describe("handlers made with createGrpcHandlers", () => {
  it("serves an authenticated call with the caller's principal", async () => {
    const { address } = await start();
    const reply = await callUnary<EchoReply>(echoClient(address), "echo", { text: "hi" }, withBearerToken(token), callDeadline(5_000));
    expect(reply).toMatchObject({ text: "hi", subject: "u-1001" });
  });

  it("refuses calls without a valid token with UNAUTHENTICATED (16) and a stable code", async () => {
    const { address } = await start();
    const client = echoClient(address);
    const missing = await failure(callUnary(client, "echo", { text: "hi" }));
    expect(missing.code).toBe(status.UNAUTHENTICATED);
    expect(detail(missing).code).toBe("TOKEN_MISSING");
    const stranger = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE });
    const forged = await failure(callUnary(client, "echo", { text: "hi" }, withBearerToken(await stranger.issue({ subject: "x", roles: ["system"], tenantId: "inst-1" }))));
    expect(forged.code).toBe(status.UNAUTHENTICATED);
    expect(fromGrpcError(forged)).toMatchObject({ code: "TOKEN_SIGNATURE_INVALID", kind: "UNAUTHENTICATED" });
  });

  it("delivers a DomainError with its status and ihp-error-bin detail", async () => {
    const { address } = await start();
    const error = await failure(callUnary(echoClient(address), "fail", { text: "refuse" }, withBearerToken(token)));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toBe("First visits are not allowed");
    expect(detail(error)).toEqual({ code: "FIRST_VISIT_NOT_ALLOWED", message: "First visits are not allowed", ruleId: "CON-02" });
    expect(fromGrpcError(error)).toMatchObject({ code: "FIRST_VISIT_NOT_ALLOWED", kind: "FAILED_PRECONDITION", ruleId: "CON-02" });
  });

  it("hides an unexpected error behind INTERNAL and logs it once, masked, with the trace id", async () => {
    const { address } = await start();
    capture.lines.length = 0;
    const error = await failure(callUnary(echoClient(address), "fail", { text: "crash" }, withBearerToken(token)));
    expect(error.code).toBe(status.INTERNAL);
    expect(detail(error).code).toBe("INTERNAL");
    expect(JSON.stringify({ details: error.details, detail: detail(error) })).not.toMatch(/SQLITE|1101051949/);
    const logged = capture.records().filter((line) => line["msg"] === "gRPC handler failed");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ method: "/ihp.test.v1.EchoService/Fail", trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown });
    expect(capture.text).toContain("SQLITE_BUSY");
    expect(capture.text).not.toContain(ID_NUMBER);
  });

  it("continues the caller's trace and forwards it on downstream calls", async () => {
    const { address } = await start();
    exporter.reset();
    const clientSpan = tracing.tracer.startSpan("gateway");
    const metadata = withBearerToken(token);
    injectTraceContext(metadata, trace.setSpan(context.active(), clientSpan));
    const reply = await callUnary<EchoReply>(echoClient(address), "echo", { text: "hi" }, metadata);
    clientSpan.end();
    const server = exporter.getFinishedSpans().find((span) => span.name === "ihp.test.v1.EchoService/Echo");
    expect(server?.spanContext().traceId).toBe(clientSpan.spanContext().traceId);
    expect(server?.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
    expect(reply.traceparent).toBe(`00-${server?.spanContext().traceId}-${server?.spanContext().spanId}-01`);
    // Every call's span has the method's attributes (made once per method), and its own status.
    await callUnary<EchoReply>(echoClient(address), "echo", { text: "again" }, withBearerToken(token));
    const spans = exporter.getFinishedSpans().filter((span) => span.name === "ihp.test.v1.EchoService/Echo");
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes).toEqual({ "rpc.system": "grpc", "rpc.service": "ihp.test.v1.EchoService", "rpc.method": "Echo", "rpc.grpc.status_code": 0 });
    }
  });

  it("ends a call at its deadline with DEADLINE_EXCEEDED and aborts the handler's signal", async () => {
    const { address } = await start();
    capture.lines.length = 0;
    const error = await failure(callUnary(echoClient(address), "ping", { text: "hang" }, withBearerToken(token), callDeadline(100)));
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    await expect.poll(() => aborted).toContain("hang");
    // The handler's abort error is the expected end of a cancelled call, not a fault to report.
    expect(capture.records().filter((line) => line["msg"] === "gRPC handler failed")).toEqual([]);
  });

  it("gives a handler that first asks for its signal after the deadline passed an aborted one", async () => {
    const { address } = await start();
    const error = await failure(callUnary(echoClient(address), "ping", { text: "late" }, withBearerToken(token), callDeadline(100)));
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    await expect.poll(() => aborted).toContain("late: aborted");
  });

  it("streams server messages", async () => {
    const { address } = await start();
    const client = echoClient(address);
    const stream = client.makeServerStreamRequest<EchoRequest, EchoReply>(
      EchoDefinition.count.path,
      EchoDefinition.count.requestSerialize,
      EchoDefinition.count.responseDeserialize,
      { text: "5" },
      withBearerToken(token),
      callDeadline(5_000),
    );
    const received: string[] = [];
    for await (const message of stream as AsyncIterable<EchoReply>) received.push(message.text);
    expect(received).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("counts calls by method and status", async () => {
    const { address } = await start();
    const client = echoClient(address);
    await callUnary(client, "echo", { text: "a" }, withBearerToken(token));
    await failure(callUnary(client, "echo", { text: "b" }));
    const text = await registry.metrics();
    expect(text).toMatch(/grpc_server_handled_total\{grpc_service="ihp.test.v1.EchoService",grpc_method="Echo",grpc_code="OK".*\} [1-9]/);
    expect(text).toMatch(/grpc_method="Echo",grpc_code="UNAUTHENTICATED".*\} [1-9]/);
  });
});

describe("serveGrpc", () => {
  it("drains an in-flight call on stop and refuses new ones", async () => {
    const { address, server } = await start();
    const client = echoClient(address);
    const inFlight = callUnary<EchoReply>(client, "ping", { text: "slow" }, withBearerToken(token));
    await expect.poll(() => released.length).toBe(1);
    const stopping = server.stop(10_000);
    expect((await failure(callUnary(echoClient(address), "echo", { text: "late" }, withBearerToken(token), callDeadline(2_000)))).code).toBe(
      status.UNAVAILABLE,
    );
    released.shift()?.();
    expect(await inFlight).toEqual({ text: "pong" });
    await stopping;
  });

  it("cancels what is still running when the grace period ends", async () => {
    const { address, server } = await start();
    const inFlight = failure(callUnary(echoClient(address), "ping", { text: "slow" }, withBearerToken(token)));
    await expect.poll(() => released.length).toBe(1);
    await server.stop(50);
    expect((await inFlight).code).toBe(status.CANCELLED);
  });

  it("serves TLS when certificate files are configured", async () => {
    const { address } = await start({ tls: true });
    const secure = healthClient(address, channelCredentials({ caFile: join(TLS_DIR, "ca.crt") }));
    expect(await check(secure, "")).toBe(Serving.SERVING);
    const plaintext = healthClient(address);
    expect((await failure(check(plaintext, ""))).code).toBe(status.UNAVAILABLE);
  });

  it("requires a client certificate when a client CA is configured", async () => {
    const { address } = await start({ tls: true, mutual: true });
    const anonymous = healthClient(address, channelCredentials({ caFile: join(TLS_DIR, "ca.crt") }));
    expect((await failure(check(anonymous, ""))).code).toBe(status.UNAVAILABLE);
    const withCert = healthClient(
      address,
      channelCredentials({
        caFile: join(TLS_DIR, "ca.crt"),
        certFile: join(TLS_DIR, "client.crt"),
        keyFile: join(TLS_DIR, "client.key"),
      }),
    );
    expect(await check(withCert, "")).toBe(Serving.SERVING);
  });
});
