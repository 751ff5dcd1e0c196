import { Metadata } from "@grpc/grpc-js";
import {
  type Context,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { isTracingSuppressed, W3CTraceContextPropagator } from "@opentelemetry/core";

/** The W3C fields as they sit on EventMetadata (ARCHITECTURE §5) and in bus message headers. */
export interface TraceFields {
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/** Where trace context travels: gRPC metadata, bus headers (Record<string,string>) or an event's metadata. */
export type TraceCarrier = Metadata | TraceFields | Readonly<Record<string, string | undefined>>;

// Stateless, so one instance is shared; used directly rather than through the global propagator so helpers work
// even when tracing is off (the gateway still passes the client's traceparent on).
const propagator = new W3CTraceContextPropagator();

/** The text values of a metadata key, undefined when there are none. */
function metadataStrings(carrier: Metadata, key: string): string[] | undefined {
  const values = carrier.get(key).filter((value): value is string => typeof value === "string");
  return values.length === 0 ? undefined : values;
}

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: metadataStrings,
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const recordGetter: TextMapGetter<Readonly<Record<string, string | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

// Every call of a request carries the same trace context out (without an exporter the "spans" are non-recording and
// keep their parent's ids) and the next service reads it back in; the propagator formats, validates and parses it
// each time. Both directions are remembered here, and the propagator still makes every value once.

/** The headers the propagator writes for a span context: span contexts are immutable, so one object, one answer. */
const injected = new WeakMap<SpanContext, Readonly<Record<string, string>>>();

/** Span contexts the propagator read from traceparent (+ "\n" + tracestate), frozen and shared; NONE for no context. */
const extracted = new Map<string, SpanContext | typeof NONE>();
const NONE = Symbol("no span context");
const MAX_EXTRACTED = 512;

/** Writes the trace context of `ctx` (the active one by default) into gRPC metadata or a header record. */
export function injectTraceContext(carrier: Metadata | Record<string, string>, ctx: Context = context.active()): void {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined) return;
  if (isTracingSuppressed(ctx)) {
    // Nothing to write; left to the propagator, whose rule it is.
    if (carrier instanceof Metadata) propagator.inject(ctx, carrier, metadataSetter);
    else propagator.inject(ctx, carrier, recordSetter);
    return;
  }
  let headers = injected.get(spanContext);
  if (headers === undefined) {
    const made: Record<string, string> = {};
    propagator.inject(ctx, made, recordSetter);
    headers = Object.freeze(made);
    injected.set(spanContext, headers);
  }
  for (const key in headers) {
    if (carrier instanceof Metadata) carrier.set(key, headers[key]!);
    else carrier[key] = headers[key]!;
  }
}

/**
 * The context a carrier continues, on top of `base` (the active context by default). Start the handler's span in it
 * so gateway → gRPC → event → bus consumer share one trace id. A carrier without traceparent yields `base`.
 */
export function extractTraceContext(carrier: TraceCarrier, base: Context = context.active()): Context {
  if (carrier instanceof Metadata) return extractFromMetadata(carrier, base);
  return propagator.extract(base, carrier, recordGetter);
}

/** What propagator.extract(base, metadata) answers, with the span context of each header text read once. */
function extractFromMetadata(carrier: Metadata, base: Context): Context {
  const parent = metadataStrings(carrier, "traceparent")?.[0];
  if (parent === undefined) return base;
  const state = metadataStrings(carrier, "tracestate")?.join(",");
  // Metadata values are printable ASCII (grpc-js checks on set), so "\n" cannot occur inside either part.
  const key = state === undefined ? parent : `${parent}\n${state}`;
  let spanContext = extracted.get(key);
  if (spanContext === undefined) {
    spanContext = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, metadataGetter)) ?? NONE;
    if (spanContext !== NONE) Object.freeze(spanContext);
    if (extracted.size >= MAX_EXTRACTED) extracted.delete(extracted.keys().next().value!);
    extracted.set(key, spanContext);
  }
  return spanContext === NONE ? base : trace.setSpanContext(base, spanContext);
}

/**
 * The context a sampled remote parent with these ids continues, on top of `base` (the active context by default):
 * what extractTraceContext gives for `00-<traceId>-<spanId>-01`, without writing that text and parsing it again. For
 * a trace started here (the gateway, for a request that brought none); ids must be lower-case hex, 32 and 16 digits.
 */
export function remoteTraceContext(traceId: string, spanId: string, base: Context = context.active()): Context {
  return trace.setSpanContext(base, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

/** traceparent/tracestate of `ctx`, to spread into EventMetadata when a command appends events. */
export function traceFields(ctx: Context = context.active()): TraceFields {
  const headers: Record<string, string> = {};
  injectTraceContext(headers, ctx);
  const fields: { traceparent?: string; tracestate?: string } = {};
  if (headers["traceparent"] !== undefined) fields.traceparent = headers["traceparent"];
  if (headers["tracestate"] !== undefined) fields.tracestate = headers["tracestate"];
  return fields;
}

/** The trace id `ctx` carries (the active context by default), or undefined without a valid one. */
export function traceIdOf(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
