// Process entry of the pharmacy service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus, tracing, metrics, and an ordered stop on SIGTERM. The embedded runner calls startPharmacyService.
import { loadCatalogueFile, sampleCatalogue } from "@ihp/drug-catalogue";
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
import { catalogueLookup } from "./adapters/catalogue/drugCatalogue.js";
import { pharmacyConfigSchema } from "./config.js";
import { type PharmacyService, startPharmacyService } from "./service.js";

const config = loadConfig(pharmacyConfigSchema);
// Without NATS the prescriptions would never arrive: refuse rather than run deaf.
if (config.NATS_URL === undefined) {
  throw new ConfigError([{ variable: "NATS_URL", problem: "required in the distributed mode (or use npm start)" }]);
}
const logger = createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS + 15_000 });
const tracing = startTracing({ serviceName: config.SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const registry = createMetricsRegistry({ serviceName: config.SERVICE_NAME });

let metrics: MetricsServer | undefined;
let service: PharmacyService | undefined;
lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
lifecycle.register("metrics", {
  start: async () => {
    metrics = await serveMetrics({ registry, port: config.METRICS_PORT, host: config.GRPC_HOST });
  },
  stop: () => metrics?.close(),
});
lifecycle.register("pharmacy", {
  start: async () => {
    const catalogue = catalogueLookup(config.DRUG_CATALOGUE_FILE === undefined ? await sampleCatalogue() : await loadCatalogueFile(config.DRUG_CATALOGUE_FILE));
    service = await startPharmacyService({ config, logger, metrics: createGrpcMetrics(registry), tracer: tracing.tracer, catalogue });
    logger.info({ port: service.grpcPort }, "pharmacy service listening");
  },
  stop: async () => {
    await service?.stop("signal");
  },
});
lifecycle.handleSignals();
await lifecycle.start();
