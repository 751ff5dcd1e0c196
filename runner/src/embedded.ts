import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { startGateway, type RunningGateway } from "@ihp/gateway";
import { identityConfigSchema, IDENTITY_ERRORS, startIdentityService } from "@ihp/identity";
import { InProcessBus } from "@ihp/messaging";
import {
  createGrpcMetrics,
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  mergedMetrics,
  type MetricsRegistry,
  type MetricsServer,
  serveMetrics,
  openBuiltinIssuer,
  enableInProcessTransport,
  startTracing,
  TokenVerifier,
  type BuiltinIssuer,
  type Logger,
} from "@ihp/platform";
import { REPORTING_ERRORS, reportingConfigSchema, startReportingService } from "@ihp/reporting";
import { CONSULT_ERRORS, consultConfigSchema, startConsultService } from "@ihp/consult";
import { sampleCatalogue } from "@ihp/drug-catalogue";
import { catalogueLookup, PHARMACY_ERRORS, pharmacyConfigSchema, startPharmacyService } from "@ihp/pharmacy";
import { INTEGRATION_ERRORS, integrationConfigSchema, startIntegrationService } from "@ihp/integration";
import { PRESCRIPTION_ERRORS, prescriptionConfigSchema, startPrescriptionService } from "@ihp/prescription";
import { RECORDS_ERRORS, recordsConfigSchema, startRecordsService } from "@ihp/records";
import { InProcessTsa, type TimestampAuthority } from "@ihp/timestamping";

/** The services the embedded mode runs, in start order. */
export type ServiceName = "identity" | "integration" | "consult" | "prescription" | "pharmacy" | "reporting" | "records";

export interface EmbeddedOptions {
  /** Where every service keeps its SQLite files and the builtin issuer's key. */
  readonly dataDir: string;
  /** Gateway HTTP port; 0 picks a free one. */
  readonly gatewayPort: number;
  readonly logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Where every log line of the process goes (a test's capture); default standard output. */
  readonly logDestination?: { write(line: string): void };
  readonly clock?: () => Date;
  /** OTLP/HTTP endpoint for traces (OTEL_EXPORTER_OTLP_ENDPOINT); unset: spans are not exported. */
  readonly otlpEndpoint?: string;
  /** Port of the one /metrics of the whole process (METRICS_PORT; 0 picks a free one); not served when undefined. */
  readonly metricsPort?: number;
  /** REC-07: the TSA the records service dates signatures with; default the in-process TSA under dataDir. */
  readonly recordsTsa?: TimestampAuthority;
  /** Extra years of the CN working-day calendar for reporting's deadlines (its WORKING_DAY_CALENDAR_FILE). */
  readonly workingDayCalendarFile?: string;
  /** Gateway → service calls in process (default) or over loopback gRPC (the distributed mode's path; benchmarks compare). */
  readonly inProcessTransport?: boolean;
  /** XC-07: reporting's daily security report folder (SECURITY_REPORT_DIR) and how often it looks (default hourly). */
  readonly securityReport?: { readonly dir: string; readonly intervalMs?: number };
}

export interface EmbeddedPlatform {
  /** http://127.0.0.1:<port>/graphql */
  readonly graphqlUrl: string;
  /** The builtin issuer shared by every service: tests and the demo seed mint tokens with it. */
  readonly issuer: BuiltinIssuer;
  /** gRPC port of each service (loopback). */
  readonly grpcPorts: Readonly<Record<ServiceName, number>>;
  readonly logger: Logger;
  /** http://127.0.0.1:<port>/metrics: every service's and the gateway's series, when metricsPort was given. */
  readonly metricsUrl: string | undefined;
  /** Ordered stop: the gateway stops accepting and drains, then the services, then the bus. Idempotent. */
  stop(reason?: string): Promise<void>;
}

/**
 * The embedded mode (ARCHITECTURE §3): the gateway and the services in one process, each service on its own SQLite
 * event store under dataDir, one in-process bus, one builtin token issuer. The services still talk gRPC over loopback,
 * exactly as in the distributed mode; only the adapters differ.
 */
export async function startEmbeddedPlatform(options: EmbeddedOptions): Promise<EmbeddedPlatform> {
  mkdirSync(options.dataDir, { recursive: true });
  const logger = createLogger({
    name: "embedded",
    level: options.logLevel ?? "info",
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  const lifecycle = createLifecycle({ logger });
  const bus = new InProcessBus();
  const issuer = await openBuiltinIssuer(options.dataDir);
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const common = { DATA_DIR: options.dataDir, GRPC_PORT: "0", LOG_LEVEL: options.logLevel ?? "info" };
  const clock = options.clock;

  const started: Partial<Record<ServiceName, { grpcPort: number; stop(): Promise<unknown> }>> = {};
  let gateway: RunningGateway | undefined;
  // Tracing once for the whole process: its context manager is what carries a request's trace context through the
  // gateway, the gRPC handlers and into event metadata (one user action, one trace).
  const tracing = startTracing({ serviceName: "ihp-embedded", otlpEndpoint: options.otlpEndpoint });
  // Service → service and gateway → service calls stay in this process (issue 15): the same clients and handlers,
  // no loopback HTTP/2. The distributed mode's processes never switch it on.
  const inProcess = options.inProcessTransport ?? true;
  const previousTransport = enableInProcessTransport(inProcess);
  // Registered first, so stopped last: whatever runs next in this process (another platform, the next test file in a
  // vitest worker) finds the transport as it was, and a network test is not quietly served in process.
  lifecycle.register("in-process transport", {
    stop: () => {
      enableInProcessTransport(previousTransport);
      return Promise.resolve();
    },
  });
  const address = (name: ServiceName): string => {
    const service = started[name];
    if (service === undefined) throw new Error(`${name} is not running`);
    return `127.0.0.1:${service.grpcPort}`;
  };
  // One registry per service and one for the gateway, each with its own `service` label, as in their own pods; the
  // one /metrics reads them all at each scrape (mergedMetrics), next to the process's default series.
  const registries = new Map<string, MetricsRegistry>();
  const registryOf = (name: string): MetricsRegistry => {
    const registry = registries.get(name) ?? createMetricsRegistry({ serviceName: name, defaultMetrics: false });
    registries.set(name, registry);
    return registry;
  };
  const shared = (name: ServiceName) => ({
    bus,
    verifier,
    logger: logger.child({ service: name }),
    metrics: createGrpcMetrics(registryOf(name)),
    ...(clock ? { clock } : {}),
  });
  const catalogue = await sampleCatalogue();

  // Each service, after the ones it calls: identity ← integration ← consult ← prescription; identity ← pharmacy;
  // identity ← reporting (reads the bus; asks identity for IDN-08 sessions; consult and prescription ask it for
  // REP-06 suspensions) ← consult, prescription.
  // Stopped in reverse: gateway, pharmacy, prescription, consult, integration, reporting, identity, bus, telemetry.
  const services: readonly { name: ServiceName; start: () => Promise<{ grpcPort: number; stop(): Promise<unknown> }> }[] = [
    {
      name: "identity",
      start: () => startIdentityService({ config: identityConfigSchema.parse({ ...common, SERVICE_NAME: "identity" }), ...shared("identity") }),
    },
    {
      name: "reporting",
      start: () =>
        startReportingService({
          config: reportingConfigSchema.parse({
            ...common,
            SERVICE_NAME: "reporting",
            // IDN-08: asked about a clinician's session before their adverse-event report.
            IDENTITY_GRPC_ADDRESS: address("identity"),
            ...(options.workingDayCalendarFile === undefined ? {} : { WORKING_DAY_CALENDAR_FILE: options.workingDayCalendarFile }),
            ...(options.securityReport === undefined
              ? {}
              : { SECURITY_REPORT_DIR: options.securityReport.dir, ...(options.securityReport.intervalMs === undefined ? {} : { YINCHUAN_EXPORT_INTERVAL_MS: String(options.securityReport.intervalMs) }) }),
          }),
          // XC-07: every other service's audit trail; their addresses are known once they run, so looked up per call.
          securityReportSources: (["identity", "integration", "consult", "prescription", "pharmacy", "records"] as const).map((name) => ({ service: name, address: () => address(name) })),
          ...shared("reporting"),
        }),
    },
    {
      // HIS/LIS/PACS ingest and the outbound feed (issue 17); before consult, which reads HIS encounters (CON-03).
      name: "integration",
      start: () =>
        startIntegrationService({
          config: integrationConfigSchema.parse({ ...common, SERVICE_NAME: "integration", IDENTITY_GRPC_ADDRESS: address("identity") }),
          ...shared("integration"),
        }),
    },
    {
      name: "consult",
      start: () =>
        startConsultService({
          config: consultConfigSchema.parse({
            ...common,
            SERVICE_NAME: "consult",
            IDENTITY_GRPC_ADDRESS: address("identity"),
            INTEGRATION_GRPC_ADDRESS: address("integration"),
            // REP-06: asked before each request, acceptance and start.
            REPORTING_GRPC_ADDRESS: address("reporting"),
          }),
          ...shared("consult"),
        }),
    },
    {
      name: "prescription",
      start: () =>
        startPrescriptionService({
          config: prescriptionConfigSchema.parse({
            ...common,
            SERVICE_NAME: "prescription",
            IDENTITY_GRPC_ADDRESS: address("identity"),
            CONSULT_GRPC_ADDRESS: address("consult"),
            REPORTING_GRPC_ADDRESS: address("reporting"),
          }),
          catalogue,
          ...shared("prescription"),
        }),
    },
    {
      name: "pharmacy",
      start: () =>
        startPharmacyService({
          config: pharmacyConfigSchema.parse({ ...common, SERVICE_NAME: "pharmacy", IDENTITY_GRPC_ADDRESS: address("identity") }),
          catalogue: catalogueLookup(catalogue),
          ...shared("pharmacy"),
        }),
    },
    {
      // Outpatient records (issue 11), drafted when a consult closes from consult's record source; after identity
      // and consult, which it calls.
      name: "records",
      start: async () =>
        startRecordsService({
          config: recordsConfigSchema.parse({ ...common, SERVICE_NAME: "records", IDENTITY_GRPC_ADDRESS: address("identity"), CONSULT_GRPC_ADDRESS: address("consult") }),
          // The platform's own RFC 3161 TSA (key and certificate under dataDir) unless one is given: real tokens dated
          // by this server's clock, for development and the demo — not a trusted third party (REC-07 in production:
          // RECORDS_TSA_URL).
          tsa: options.recordsTsa ?? (await InProcessTsa.open({ folder: join(options.dataDir, "records-tsa"), ...(clock ? { now: clock } : {}) })),
          ...shared("records"),
        }),
    },
  ];

  lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
  let metricsServer: MetricsServer | undefined;
  const { metricsPort } = options;
  if (metricsPort !== undefined) {
    lifecycle.register("metrics", {
      start: async () => {
        const processRegistry = createMetricsRegistry({ serviceName: "ihp-embedded" });
        metricsServer = await serveMetrics({ registry: mergedMetrics(() => [...registries.values()], processRegistry), port: metricsPort, host: "127.0.0.1" });
      },
      stop: () => metricsServer?.close() ?? Promise.resolve(),
    });
  }
  lifecycle.register("bus", { stop: () => bus.close() });
  for (const service of services) {
    lifecycle.register(service.name, {
      start: async () => {
        started[service.name] = await service.start();
      },
      stop: async () => {
        await started[service.name]?.stop();
      },
    });
  }
  lifecycle.register("gateway", {
    start: async () => {
      gateway = await startGateway({
        port: options.gatewayPort,
        identity: address("identity"),
        consult: address("consult"),
        prescription: address("prescription"),
        pharmacy: address("pharmacy"),
        reporting: address("reporting"),
        integration: address("integration"),
        records: address("records"),
        verifier,
        bus,
        logger: logger.child({ service: "gateway" }),
        metricsRegistry: registryOf("gateway"),
        graphiql: true,
        // Gateway → service calls stay in this process (issue 15): no loopback HTTP/2 per resolver call.
        inProcessTransport: inProcess,
        errorTables: [IDENTITY_ERRORS, CONSULT_ERRORS, PRESCRIPTION_ERRORS, PHARMACY_ERRORS, REPORTING_ERRORS, INTEGRATION_ERRORS, RECORDS_ERRORS],
      });
    },
    stop: () => gateway?.stop() ?? Promise.resolve(),
  });
  await lifecycle.start();
  // Every durable of the platform now exists (each service registered its consumers as it started), so none is still
  // to come that should get what was published before it: the bus stops keeping the latest messages for one, else
  // it would hold up to its limit of them (10,000 messages, ~12 MB) for the life of the process (issue 15: memory).
  bus.endRetention();

  return {
    graphqlUrl: `${gateway!.url}/graphql`,
    issuer,
    grpcPorts: Object.fromEntries(Object.entries(started).map(([name, service]) => [name, service.grpcPort])) as Record<ServiceName, number>,
    logger,
    metricsUrl: metricsServer === undefined ? undefined : `http://127.0.0.1:${metricsServer.port}/metrics`,
    stop: async (reason) => {
      await lifecycle.stop(reason);
    },
  };
}
