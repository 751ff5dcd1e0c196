// Composition root of the distributed mode: one reporting process (pod). Config from the environment, NATS
// JetStream as the bus (NATS_URL; the IHP_IDENTITY, IHP_CONSULT, IHP_PRESCRIPTION, IHP_PHARMACY and IHP_REPORTING
// streams provisioned at connect), telemetry and metrics, SIGTERM → ordered stop.
import {
  createGrpcMetrics,
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  type MetricsServer,
  serveMetrics,
  startTracing,
} from "@ihp/platform";
import { loadReportingConfig } from "./config.js";
import { type ReportingService, startReportingService } from "./service.js";

const config = loadReportingConfig();
const logger = createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
if (config.NATS_URL === undefined) logger.warn("NATS_URL is not set: running on a private in-process bus");
const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS });
const tracing = startTracing({ serviceName: config.SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const registry = createMetricsRegistry({ serviceName: config.SERVICE_NAME });
let metrics: MetricsServer | undefined;
let service: ReportingService | undefined;

lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
lifecycle.register("metrics", {
  start: async () => {
    metrics = await serveMetrics({ registry, port: config.METRICS_PORT, host: config.GRPC_HOST });
  },
  stop: () => metrics?.close(),
});
lifecycle.register("reporting", {
  start: async () => {
    service = await startReportingService({ config, logger, metrics: createGrpcMetrics(registry) });
    logger.info({ grpcPort: service.grpcPort }, "reporting service started");
  },
  stop: async () => {
    await service?.stop("signal");
  },
  stopTimeoutMs: config.SHUTDOWN_GRACE_MS + 15_000,
});
lifecycle.handleSignals();
await lifecycle.start();
