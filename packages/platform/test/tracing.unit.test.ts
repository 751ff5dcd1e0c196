import { Metadata } from "@grpc/grpc-js";
import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createLogger,
  extractTraceContext,
  injectTraceContext,
  remoteTraceContext,
  startTracing,
  traceFields,
  type Tracing,
} from "../src/index.js";
import { LogCapture } from "./support/logCapture.js";

const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = startTracing({ serviceName: "gateway", exporter });
});
afterAll(async () => {
  await tracing.shutdown();
});
beforeEach(() => {
  exporter.reset();
});

describe("trace context propagation", () => {
  it("continues one trace from gateway span → gRPC metadata → event metadata → bus headers → consumer", async () => {
    const { tracer } = tracing;
    const gatewaySpan = tracer.startSpan("graphql mutation");
    const gatewayContext = trace.setSpan(context.active(), gatewaySpan);

    // gateway → gRPC call
    const metadata = new Metadata();
    injectTraceContext(metadata, gatewayContext);
    expect(metadata.get("traceparent")).toHaveLength(1);

    // service handler: server span in the extracted context; the events it appends carry its trace fields
    const eventMetadata = await tracer.startActiveSpan("StartConsult", {}, extractTraceContext(metadata), async (span) => {
      await Promise.resolve(); // the context must survive an await
      const fields = traceFields();
      span.end();
      return { actorId: "u-1", tenantId: "inst-1", ...fields };
    });

    // relay → bus headers → consumer
    const headers: Record<string, string> = {};
    injectTraceContext(headers, extractTraceContext(eventMetadata));
    tracer.startActiveSpan("consume ConsultStarted", {}, extractTraceContext(headers), (span) => span.end());
    gatewaySpan.end();

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(["StartConsult", "consume ConsultStarted", "graphql mutation"]);
    const traceId = gatewaySpan.spanContext().traceId;
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));
    const byName = new Map(spans.map((span) => [span.name, span]));
    expect(byName.get("StartConsult")?.parentSpanContext?.spanId).toBe(gatewaySpan.spanContext().spanId);
    expect(byName.get("consume ConsultStarted")?.parentSpanContext?.spanId).toBe(
      byName.get("StartConsult")?.spanContext().spanId,
    );
  });

  it("carries tracestate and ignores a carrier without traceparent", () => {
    const carrier = {
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "ihp=1",
    };
    const extracted = extractTraceContext(carrier);
    expect(trace.getSpanContext(extracted)?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(traceFields(extracted)).toEqual(carrier);
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
    expect(traceFields(extractTraceContext({ traceparent: "garbage" }))).toEqual({});
  });

  it("remoteTraceContext is the context extracting the same ids' traceparent gives, and a recorded span continues it", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const spanId = "b7ad6b7169203331";
    const built = remoteTraceContext(traceId, spanId);
    const parsed = extractTraceContext({ traceparent: `00-${traceId}-${spanId}-01` });
    expect(trace.getSpanContext(built)).toEqual(trace.getSpanContext(parsed));
    expect(traceFields(built)).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    // With an exporter configured, a server span started in it is recorded under the same trace and parent.
    await tracing.tracer.startActiveSpan("ListPublicInstitutions", {}, built, async (span) => {
      await Promise.resolve();
      span.end();
    });
    const [recorded] = exporter.getFinishedSpans();
    expect(recorded?.spanContext().traceId).toBe(traceId);
    expect(recorded?.parentSpanContext?.spanId).toBe(spanId);
  });

  it("stamps log lines with the active span's trace and span ids", () => {
    const capture = new LogCapture();
    const log = createLogger({ name: "consult", level: "info", destination: capture });
    log.info("outside any span");
    tracing.tracer.startActiveSpan("work", (span) => {
      log.info("inside a span");
      span.end();
    });
    const [outside, inside] = capture.records();
    expect(outside).not.toHaveProperty("trace_id");
    const [span] = exporter.getFinishedSpans();
    expect(inside).toMatchObject({ trace_id: span?.spanContext().traceId, span_id: span?.spanContext().spanId });
  });

  it("refuses a second tracer provider in the same process", () => {
    expect(() => startTracing({ serviceName: "other" })).toThrow(/already started/);
  });
});
