import { injectTraceContext } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { requestTrace } from "../src/http/requestTrace.js";

/** The traceparent the gateway forwards to the services for a request's trace. */
function forwarded(headers: Record<string, string>): { traceparent?: string; traceId: string } {
  const trace = requestTrace(headers);
  const carrier: Record<string, string> = {};
  injectTraceContext(carrier, trace.context);
  return { ...(carrier["traceparent"] === undefined ? {} : { traceparent: carrier["traceparent"] }), traceId: trace.traceId };
}

describe("requestTrace (XC-08)", () => {
  it("starts a new sampled trace, different for every request, when the client sent none or an invalid one", () => {
    const first = forwarded({});
    const second = forwarded({ traceparent: "garbage" });
    for (const trace of [first, second]) {
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.traceparent).toMatch(new RegExp(`^00-${trace.traceId}-[0-9a-f]{16}-01$`));
    }
    expect(second.traceId).not.toBe(first.traceId);
    expect(second.traceparent?.slice(36, 52)).not.toBe(first.traceparent?.slice(36, 52));
  });

  it("continues the client's valid trace, its tracestate too", () => {
    const trace = requestTrace({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", tracestate: "ihp=1" });
    const carrier: Record<string, string> = {};
    injectTraceContext(carrier, trace.context);
    expect(trace.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(carrier).toEqual({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", tracestate: "ihp=1" });
  });
});
