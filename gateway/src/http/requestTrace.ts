import { randomBytes } from "node:crypto";
import { extractTraceContext, traceFields } from "@ihp/platform";

/** The OpenTelemetry context type, taken from the platform helper so the gateway needs no direct dependency on it. */
export type TraceContext = ReturnType<typeof extractTraceContext>;

/** The trace a request belongs to: forwarded to the services on every call, and logged with any fault. */
export interface RequestTrace {
  readonly context: TraceContext;
  readonly traceId: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Continues the client's W3C trace when it sent a valid `traceparent`; otherwise starts one, so that the services'
 * spans and log lines and the gateway's own fault log share one trace id even without a tracing front-end.
 */
export function requestTrace(headers: Readonly<Record<string, string | string[] | undefined>>): RequestTrace {
  const incoming = typeof headers["traceparent"] === "string" ? headers["traceparent"] : undefined;
  const tracestate = typeof headers["tracestate"] === "string" ? headers["tracestate"] : undefined;
  let context = extractTraceContext({ traceparent: incoming, tracestate });
  let traceparent = traceFields(context).traceparent;
  if (traceparent === undefined) {
    context = extractTraceContext({ traceparent: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01` });
    traceparent = traceFields(context).traceparent;
  }
  return { context, traceId: TRACEPARENT.exec(traceparent ?? "")?.[1] ?? "" };
}
