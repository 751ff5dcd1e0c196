import { randomBytes } from "node:crypto";
import { extractTraceContext, traceIdOf } from "@ihp/platform";

/** The OpenTelemetry context type, taken from the platform helper so the gateway needs no direct dependency on it. */
export type TraceContext = ReturnType<typeof extractTraceContext>;

/** The trace a request belongs to: forwarded to the services on every call, and logged with any fault. */
export interface RequestTrace {
  readonly context: TraceContext;
  readonly traceId: string;
}

/**
 * Continues the client's W3C trace when it sent a valid `traceparent`; otherwise starts one, so that the services'
 * spans and log lines and the gateway's own fault log share one trace id even without a tracing front-end. One
 * random draw and one parse per request (issue 15): this runs for every request, tracing exported or not.
 */
export function requestTrace(headers: Readonly<Record<string, string | string[] | undefined>>): RequestTrace {
  const incoming = typeof headers["traceparent"] === "string" ? headers["traceparent"] : undefined;
  if (incoming !== undefined) {
    const tracestate = typeof headers["tracestate"] === "string" ? headers["tracestate"] : undefined;
    const context = extractTraceContext({ traceparent: incoming, tracestate });
    const traceId = traceIdOf(context);
    if (traceId !== undefined) return { context, traceId };
  }
  const ids = randomBytes(24).toString("hex");
  const traceId = ids.slice(0, 32);
  return { context: extractTraceContext({ traceparent: `00-${traceId}-${ids.slice(32)}-01` }), traceId };
}
