// Process entry of the gateway in the distributed mode (one pod): config → telemetry → verifier → bus → HTTP.
// The embedded runner does not use this file: it calls startGateway with the clients and bus it already has.
import { CONSULT_ERRORS } from "@ihp/consult/errors";
import { IDENTITY_ERRORS } from "@ihp/identity/errors";
import { PHARMACY_ERRORS } from "@ihp/pharmacy/errors";
import { PRESCRIPTION_ERRORS } from "@ihp/prescription/errors";
import { REPORTING_ERRORS } from "@ihp/reporting/errors";
import { INTEGRATION_ERRORS } from "@ihp/integration/errors";
import { RECORDS_ERRORS } from "@ihp/records/errors";
import { type Bus, contextStream, loadTransitKeys, NatsJetStreamBus } from "@ihp/messaging";
import { createLifecycle, createLogger, createMetricsRegistry, type MetricsServer, serveMetrics, startTracing, verifierFromConfig } from "@ihp/platform";
import { loadGatewayConfig } from "./config.js";
import { loadPersistedQueries } from "./http/persistedQueries.js";
import { type RunningGateway, startGateway } from "./start.js";

const config = loadGatewayConfig();
const logger = createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS });
const tracing = startTracing({ serviceName: config.SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const verifier = await verifierFromConfig(config);

// Start order; stop runs the reverse: HTTP stops accepting and drains → bus drains → telemetry flushes.
lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
let bus: Bus | undefined;
lifecycle.register("bus", {
  start: async () => {
    if (config.NATS_URL === undefined) {
      logger.warn("NATS_URL is not set: the regulatorFeed subscription will receive nothing");
      return;
    }
    bus = await NatsJetStreamBus.connect({
      servers: config.NATS_URL.split(",").map((server) => server.trim()),
      name: "gateway",
      // The reporting service provisions it too; ensureStreams is idempotent and uses the same spec.
      streams: [contextStream("reporting")],
      transit: config.BUS_TRANSIT_KEY_FILE === undefined ? undefined : loadTransitKeys(config.BUS_TRANSIT_KEY_FILE),
    });
  },
  stop: () => bus?.close(),
});
// /metrics on METRICS_PORT (not on the public listener): ihp_gateway_* and the process's own series.
const registry = createMetricsRegistry({ serviceName: config.SERVICE_NAME });
let metrics: MetricsServer | undefined;
lifecycle.register("metrics", {
  start: async () => {
    metrics = await serveMetrics({ registry, port: config.METRICS_PORT, host: config.GATEWAY_HOST });
  },
  stop: () => metrics?.close(),
});
let gateway: RunningGateway | undefined;
lifecycle.register("http", {
  start: async () => {
    gateway = await startGateway({
      host: config.GATEWAY_HOST,
      port: config.GATEWAY_PORT,
      identity: config.IDENTITY_GRPC_URL,
      reporting: config.REPORTING_GRPC_URL,
      consult: config.CONSULT_GRPC_URL,
      prescription: config.PRESCRIPTION_GRPC_URL,
      pharmacy: config.PHARMACY_GRPC_URL,
      integration: config.INTEGRATION_GRPC_URL,
      records: config.RECORDS_GRPC_URL,
      grpcTls: config.GATEWAY_GRPC_CA_FILE === undefined ? undefined : { caFile: config.GATEWAY_GRPC_CA_FILE },
      tls:
        config.GATEWAY_TLS_CERT_FILE === undefined || config.GATEWAY_TLS_KEY_FILE === undefined
          ? undefined
          : { certFile: config.GATEWAY_TLS_CERT_FILE, keyFile: config.GATEWAY_TLS_KEY_FILE },
      verifier,
      bus,
      feedDurable: `gateway-feed-${config.GATEWAY_INSTANCE_ID.replace(/[^A-Za-z0-9_-]/g, "_")}`,
      logger,
      metricsRegistry: registry,
      graphiql: config.GATEWAY_GRAPHIQL,
      introspection: config.GATEWAY_INTROSPECTION,
      corsOrigins: config.GATEWAY_CORS_ORIGINS,
      rateLimit: config.GATEWAY_RATE_LIMIT_MAX === 0 ? undefined : { max: config.GATEWAY_RATE_LIMIT_MAX, windowMs: config.GATEWAY_RATE_LIMIT_WINDOW_MS },
      trustProxy: config.GATEWAY_TRUST_PROXY,
      persistedQueries: await loadPersistedQueries(config.GATEWAY_PERSISTED_QUERIES_FILE, config.GATEWAY_PERSISTED_ONLY),
      callTimeoutMs: config.GATEWAY_CALL_TIMEOUT_MS,
      // The services' own codes, so refusals carry their Chinese texts in the distributed mode too.
      errorTables: [IDENTITY_ERRORS, CONSULT_ERRORS, PRESCRIPTION_ERRORS, PHARMACY_ERRORS, REPORTING_ERRORS, INTEGRATION_ERRORS, RECORDS_ERRORS],
    });
    logger.info({ url: gateway.url }, "gateway listening");
  },
  stop: () => gateway?.stop(),
});
lifecycle.handleSignals();
await lifecycle.start();
