import { context, propagation, type Tracer, trace, type TracerProvider } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

export interface TracingOptions {
  readonly serviceName: string;
  /** OTLP/HTTP base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to <endpoint>/v1/traces. */
  readonly otlpEndpoint?: string | undefined;
  /** An extra exporter fed synchronously, e.g. an InMemorySpanExporter in tests. */
  readonly exporter?: SpanExporter | undefined;
}

export interface Tracing {
  readonly tracer: Tracer;
  readonly provider: TracerProvider;
  /** Exports what is buffered without stopping. */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and unregisters the globals so tracing can be started again. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts the process's tracing and registers it with the OpenTelemetry API, together with an async-hooks context
 * manager (the active trace context follows awaits, which the log mixin and propagation helpers rely on) and the W3C
 * trace-context propagator. One per process: in the embedded mode the composition root starts it once for all
 * services, which take their own tracers from `provider`.
 *
 * With nothing to export to (no endpoint, no exporter) no tracer provider is registered (issue 15): spans would be
 * built, given random ids and dropped on every call. The context manager and propagator still carry the caller's
 * trace context through gRPC handlers into event metadata and log lines; a "span" is then the API's non-recording
 * one, which continues its parent's ids and costs nothing.
 */
export function startTracing(options: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint !== undefined) {
    const url = new URL("v1/traces", options.otlpEndpoint.endsWith("/") ? options.otlpEndpoint : `${options.otlpEndpoint}/`);
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: url.toString() })));
  }
  if (options.exporter !== undefined) spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  return spanProcessors.length === 0 ? contextOnly(options.serviceName) : exporting(options.serviceName, spanProcessors);
}

function exporting(serviceName: string, spanProcessors: SpanProcessor[]): Tracing {
  claimContext();
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }), spanProcessors });
  provider.register({ propagator: new W3CTraceContextPropagator(), contextManager: null });
  // register() silently keeps an earlier provider; two would split one process's spans, so refuse loudly.
  if (registeredProvider() !== provider) {
    void provider.shutdown().catch(() => undefined);
    throw alreadyStarted();
  }
  return tracingOf(provider.getTracer(serviceName), provider, () => provider.forceFlush(), () => provider.shutdown());
}

function contextOnly(serviceName: string): Tracing {
  claimContext();
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = trace.getTracerProvider();
  return tracingOf(provider.getTracer(serviceName), provider, () => Promise.resolve(), () => Promise.resolve());
}

function tracingOf(tracer: Tracer, provider: TracerProvider, flush: () => Promise<void>, stop: () => Promise<void>): Tracing {
  let stopping: Promise<void> | undefined;
  return {
    tracer,
    provider,
    forceFlush: flush,
    shutdown() {
      stopping ??= stop().finally(() => {
        trace.disable();
        context.disable();
        propagation.disable();
      });
      return stopping;
    },
  };
}

/** Registers the process's context manager; refused when one is registered already (an earlier startTracing). */
function claimContext(): void {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(contextManager)) {
    contextManager.disable();
    throw alreadyStarted();
  }
}

function alreadyStarted(): Error {
  return new Error("tracing is already started in this process; start it once at the composition root");
}

function registeredProvider(): TracerProvider {
  const global = trace.getTracerProvider();
  const delegate = (global as { getDelegate?: () => TracerProvider }).getDelegate;
  return typeof delegate === "function" ? delegate.call(global) : global;
}
