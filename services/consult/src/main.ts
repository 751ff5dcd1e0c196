// Process entry of the consult service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus, tracing, metrics, and an ordered stop on SIGTERM. The embedded runner calls startConsultService.
import {
  ConfigError,
  createGrpcMetrics,
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  type MetricsServer,
  serveMetrics,
  startTracing,
} from "@ihp/platform";
import { consultConfigSchema } from "./config.js";
import { type ConsultService, startConsultService } from "./service.js";

const config = loadConfig(consultConfigSchema);
// Without NATS the events would go to an in-process bus nobody else reads: refuse rather than run deaf.
if (config.NATS_URL === undefined) {
  throw new ConfigError([{ variable: "NATS_URL", problem: "required in the distributed mode (or use npm start)" }]);
}
const logger = createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS + 15_000 });
const tracing = startTracing({ serviceName: config.SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const registry = createMetricsRegistry({ serviceName: config.SERVICE_NAME });

let metrics: MetricsServer | undefined;
let service: ConsultService | undefined;
lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
lifecycle.register("metrics", {
  start: async () => {
    metrics = await serveMetrics({ registry, port: config.METRICS_PORT, host: config.GRPC_HOST });
  },
  stop: () => metrics?.close(),
});
lifecycle.register("consult", {
  start: async () => {
    const metricsOfCalls = createGrpcMetrics(registry);
    service = await startConsultService({ config, logger, metrics: metricsOfCalls, tracer: tracing.tracer });
    logger.info({ port: service.grpcPort }, "consult service listening");
  },
  stop: async () => {
    await service?.stop();
  },
});
lifecycle.handleSignals();
await lifecycle.start();
