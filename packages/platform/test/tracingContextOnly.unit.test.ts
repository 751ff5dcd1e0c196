import { InMemorySpanExporter, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, extractTraceContext, startTracing, traceFields, type Tracing } from "../src/index.js";
import { LogCapture } from "./support/logCapture.js";

// Issue 15 item 3: with nothing to export to, tracing builds no spans and draws no ids, yet the caller's trace context
// still reaches event metadata and log lines (XC-08: one user action, one trace).
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN}-01`;

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

/** The SDK provider behind the API's global proxy, if one is registered. */
function sdkProvider(): unknown {
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  return global.getDelegate?.();
}

describe("tracing without an exporter (issue 15)", () => {
  it("registers no tracer provider: a handler's span records nothing and draws no ids of its own", async () => {
    tracing = startTracing({ serviceName: "consult" });
    expect(sdkProvider()).not.toBeInstanceOf(NodeTracerProvider);
    const seen = await tracing.tracer.startActiveSpan("StartConsult", {}, extractTraceContext({ traceparent: TRACEPARENT }), async (span) => {
      await Promise.resolve();
      span.end();
      return { recording: span.isRecording(), ids: span.spanContext() };
    });
    expect(seen.recording).toBe(false);
    expect(seen.ids).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_SPAN });
    // Without a caller's trace there is nothing to continue, and nothing is made up.
    const orphan = tracing.tracer.startActiveSpan("job", (span) => ({ valid: isSpanContextValid(span.spanContext()), fields: traceFields() }));
    expect(orphan).toEqual({ valid: false, fields: {} });
  });

  it("still carries the caller's trace context across awaits into event metadata and log lines", async () => {
    tracing = startTracing({ serviceName: "consult" });
    const capture = new LogCapture();
    const log = createLogger({ name: "consult", level: "info", destination: capture });
    const fields = await tracing.tracer.startActiveSpan("StartConsult", {}, extractTraceContext({ traceparent: TRACEPARENT }), async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      log.info("appending");
      span.end();
      return traceFields();
    });
    expect(fields.traceparent).toBe(TRACEPARENT);
    expect(capture.records()[0]).toMatchObject({ trace_id: TRACE_ID, span_id: PARENT_SPAN });
  });

  it("is started once per process, whichever kind came first, and can start again after shutdown", async () => {
    tracing = startTracing({ serviceName: "one" });
    expect(() => startTracing({ serviceName: "two" })).toThrow(/already started/);
    expect(() => startTracing({ serviceName: "two", exporter: new InMemorySpanExporter() })).toThrow(/already started/);
    await tracing.shutdown();

    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: "exporting", exporter });
    expect(() => startTracing({ serviceName: "two" })).toThrow(/already started/);
    tracing.tracer.startActiveSpan("work", {}, extractTraceContext({ traceparent: TRACEPARENT }), (span) => span.end());
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.spanContext().spanId).not.toBe(PARENT_SPAN);
  });
});
