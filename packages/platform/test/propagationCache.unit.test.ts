import { Metadata } from "@grpc/grpc-js";
import { context, ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { suppressTracing, TraceState, W3CTraceContextPropagator } from "@opentelemetry/core";
import { describe, expect, it } from "vitest";
import { extractTraceContext, injectTraceContext } from "../src/index.js";

// extractTraceContext and injectTraceContext remember what the W3C propagator made of a header text and of a span
// context (issue 15 item 3): what they answer must stay what the propagator answers, call after call.

const propagator = new W3CTraceContextPropagator();
const getter = {
  keys: (carrier: Metadata) => Object.keys(carrier.getMap()),
  get: (carrier: Metadata, key: string) => {
    const values = carrier.get(key).filter((value): value is string => typeof value === "string");
    return values.length === 0 ? undefined : values;
  },
};

const TRACE = "4bf92f3577b34da6a3ce929d0e0736aa";
const SPAN = "00f067aa0ba902b7";
function metadata(entries: readonly (readonly [string, string])[]): Metadata {
  const result = new Metadata();
  for (const [key, value] of entries) result.add(key, value);
  return result;
}

const carriers: Record<string, readonly (readonly [string, string])[]> = {
  none: [],
  sampled: [["traceparent", `00-${TRACE}-${SPAN}-01`]],
  unsampled: [["traceparent", `00-${TRACE}-${SPAN}-00`]],
  "with tracestate": [["traceparent", `00-${TRACE}-${SPAN}-01`], ["tracestate", "ihp=1,other=2"]],
  "another tracestate": [["traceparent", `00-${TRACE}-${SPAN}-01`], ["tracestate", "ihp=9"]],
  "two tracestate entries": [["traceparent", `00-${TRACE}-${SPAN}-01`], ["tracestate", "ihp=1"], ["tracestate", "other=2"]],
  "two traceparents": [["traceparent", `00-${TRACE}-${SPAN}-01`], ["traceparent", `00-${"1".repeat(32)}-${SPAN}-01`]],
  "future version": [["traceparent", `cc-${TRACE}-${SPAN}-01-extra`]],
  "version 00 with extra": [["traceparent", `00-${TRACE}-${SPAN}-01-extra`]],
  "all-zero trace id": [["traceparent", `00-${"0".repeat(32)}-${SPAN}-01`]],
  garbage: [["traceparent", "garbage"]],
};

describe("trace context propagation remembers, and answers what the propagator answers", () => {
  it.each(Object.keys(carriers))("extract, %s: the same span context as the propagator's, the first time and after", (name) => {
    const base = trace.setSpanContext(ROOT_CONTEXT, { traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: TraceFlags.NONE });
    const expected = trace.getSpanContext(propagator.extract(base, metadata(carriers[name]!), getter));
    for (let round = 0; round < 3; round++) {
      const got = trace.getSpanContext(extractTraceContext(metadata(carriers[name]!), base));
      expect({ ...got, traceState: got?.traceState?.serialize() }).toEqual({ ...expected, traceState: expected?.traceState?.serialize() });
    }
  });

  it("extract: a remembered span context cannot be changed by one call for the next", () => {
    const first = trace.getSpanContext(extractTraceContext(metadata(carriers["sampled"]!), ROOT_CONTEXT))!;
    expect(() => {
      (first as { traceFlags: number }).traceFlags = 0;
    }).toThrow(TypeError);
    expect(trace.getSpanContext(extractTraceContext(metadata(carriers["sampled"]!), ROOT_CONTEXT))?.traceFlags).toBe(TraceFlags.SAMPLED);
  });

  it("inject: the propagator's headers for a span context, every time, and none when tracing is suppressed", () => {
    const spanContext = { traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED, traceState: new TraceState("ihp=1") };
    const ctx = trace.setSpanContext(context.active(), spanContext);
    const expected: Record<string, string> = {};
    propagator.inject(ctx, expected, { set: (carrier: Record<string, string>, key, value) => (carrier[key] = value) });
    expect(expected).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "ihp=1" });
    for (let round = 0; round < 3; round++) {
      const carrier = new Metadata();
      injectTraceContext(carrier, ctx);
      expect(carrier.getMap()).toEqual(expected);
      const record: Record<string, string> = {};
      injectTraceContext(record, ctx);
      expect(record).toEqual(expected);
    }
    // The same span context, remembered above, in a context that suppresses tracing: nothing goes out.
    const suppressed = new Metadata();
    injectTraceContext(suppressed, suppressTracing(ctx));
    expect(suppressed.getMap()).toEqual({});
    // An invalid span context writes nothing, the first time and after.
    for (let round = 0; round < 2; round++) {
      const invalid = new Metadata();
      injectTraceContext(invalid, trace.setSpanContext(ROOT_CONTEXT, { traceId: "0".repeat(32), spanId: SPAN, traceFlags: 1 }));
      expect(invalid.getMap()).toEqual({});
    }
  });
});
