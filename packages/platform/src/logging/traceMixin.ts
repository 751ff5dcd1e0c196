import { context, isSpanContextValid, trace } from "@opentelemetry/api";

/** trace_id and span_id of the active span, so a log line can be found from its trace and back. */
export function traceMixin(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
