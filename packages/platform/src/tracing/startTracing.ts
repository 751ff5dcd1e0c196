import { context, propagation, type Tracer, trace, type TracerProvider } from "@opentelemetry/api";
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
 * Starts the process's tracer provider and registers it with the OpenTelemetry API, together with an async-hooks
 * context manager (the active span follows awaits, which the log mixin and propagation helpers rely on) and the W3C
 * trace-context propagator. One per process: in the embedded mode the composition root starts it once for all
 * services, which take their own tracers from `provider`.
 */
export function startTracing(options: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint !== undefined) {
    const url = new URL("v1/traces", options.otlpEndpoint.endsWith("/") ? options.otlpEndpoint : `${options.otlpEndpoint}/`);
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: url.toString() })));
  }
  if (options.exporter !== undefined) spanProcessors.push(new SimpleSpanProcessor(options.exporter));

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  // register() silently keeps an earlier provider; two would split one process's spans, so refuse loudly.
  if (registeredProvider() !== provider) {
    void provider.shutdown().catch(() => undefined);
    throw new Error("tracing is already started in this process; start it once at the composition root");
  }

  let stopping: Promise<void> | undefined;
  return {
    tracer: provider.getTracer(options.serviceName),
    provider,
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= provider.shutdown().finally(() => {
        trace.disable();
        context.disable();
        propagation.disable();
      });
      return stopping;
    },
  };
}

function registeredProvider(): TracerProvider {
  const global = trace.getTracerProvider();
  const delegate = (global as { getDelegate?: () => TracerProvider }).getDelegate;
  return typeof delegate === "function" ? delegate.call(global) : global;
}
