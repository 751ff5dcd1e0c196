import { randomUUID } from "node:crypto";
import { extractTraceContext, remoteTraceContext, traceIdOf } from "@ihp/platform";

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
 * parse per request, and ids from node:crypto's buffered random UUIDs (issue 15: a fresh randomBytes draw per request
 * cost 7 µs, two UUIDs 1.5): this runs for every request, tracing exported or not. A UUID has 122 random bits, so the
 * trace id keeps W3C's random right-most 7 bytes; the span id is the last two groups (16 hex digits) of a second one.
 * A new trace's context is built from its ids directly (remoteTraceContext), not by writing a traceparent and parsing it.
 */
export function requestTrace(headers: Readonly<Record<string, string | string[] | undefined>>): RequestTrace {
  const incoming = typeof headers["traceparent"] === "string" ? headers["traceparent"] : undefined;
  if (incoming !== undefined) {
    const tracestate = typeof headers["tracestate"] === "string" ? headers["tracestate"] : undefined;
    const context = extractTraceContext({ traceparent: incoming, tracestate });
    const traceId = traceIdOf(context);
    if (traceId !== undefined) return { context, traceId };
  }
  const traceId = randomUUID().replaceAll("-", "");
  const other = randomUUID();
  const spanId = other.slice(19, 23) + other.slice(24);
  return { context: remoteTraceContext(traceId, spanId), traceId };
}
