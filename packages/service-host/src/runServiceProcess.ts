import {
  type BaseConfig,
  ConfigError,
  createGrpcMetrics,
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  type GrpcHandlerOptions,
  type Logger,
  type MetricsServer,
  serveMetrics,
  startTracing,
} from "@ihp/platform";

/** What a service's start function gets in a pod, beyond its own configuration. */
export interface ProcessDeps {
  readonly logger: Logger;
  readonly metrics: NonNullable<GrpcHandlerOptions["metrics"]>;
  readonly tracer: NonNullable<GrpcHandlerOptions["tracer"]>;
}

/**
 * The process entry of a service in the distributed mode (one pod): telemetry, a Prometheus endpoint, the service,
 * and an ordered stop on SIGTERM/SIGINT. NATS is required unless `natsOptional`: without it the service would publish
 * to an in-process bus nobody else reads, so it refuses to run deaf.
 */
export async function runServiceProcess<C extends BaseConfig>(options: {
  readonly name: string;
  readonly config: C;
  readonly natsOptional?: boolean;
  readonly start: (config: C, deps: ProcessDeps) => Promise<{ readonly grpcPort: number; stop(reason?: string): Promise<unknown> }>;
}): Promise<void> {
  const { config, name } = options;
  if (config.NATS_URL === undefined && options.natsOptional !== true) {
    throw new ConfigError([{ variable: "NATS_URL", problem: "required in the distributed mode (or use npm start)" }]);
  }
  const logger = createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
  if (config.NATS_URL === undefined) logger.warn("NATS_URL is not set: running on a private in-process bus");
  const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS + 15_000 });
  const tracing = startTracing({ serviceName: config.SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const registry = createMetricsRegistry({ serviceName: config.SERVICE_NAME });

  let metrics: MetricsServer | undefined;
  let service: { stop(reason?: string): Promise<unknown> } | undefined;
  lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
  lifecycle.register("metrics", {
    start: async () => {
      metrics = await serveMetrics({ registry, port: config.METRICS_PORT, host: config.GRPC_HOST });
    },
    stop: () => metrics?.close(),
  });
  lifecycle.register(name, {
    start: async () => {
      const started = await options.start(config, { logger, metrics: createGrpcMetrics(registry), tracer: tracing.tracer });
      service = started;
      logger.info({ port: started.grpcPort }, `${name} service listening`);
    },
    stop: async () => {
      await service?.stop("signal");
    },
  });
  lifecycle.handleSignals();
  await lifecycle.start();
}
