import { mkdirSync } from "node:fs";

import { startGateway, type RunningGateway } from "@ihp/gateway";
import { identityConfigSchema, IDENTITY_ERRORS, startIdentityService, type IdentityService } from "@ihp/identity";
import { InProcessBus } from "@ihp/messaging";
import {
  createLifecycle,
  createLogger,
  openBuiltinIssuer,
  startTracing,
  TokenVerifier,
  type BuiltinIssuer,
  type Logger,
} from "@ihp/platform";
import { REPORTING_ERRORS, reportingConfigSchema, startReportingService, type ReportingService } from "@ihp/reporting";

export interface EmbeddedOptions {
  /** Where every service keeps its SQLite files and the builtin issuer's key. */
  readonly dataDir: string;
  /** Gateway HTTP port; 0 picks a free one. */
  readonly gatewayPort: number;
  readonly logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  readonly clock?: () => Date;
  /** OTLP/HTTP endpoint for traces (OTEL_EXPORTER_OTLP_ENDPOINT); unset: spans are not exported. */
  readonly otlpEndpoint?: string;
}

export interface EmbeddedPlatform {
  /** http://127.0.0.1:<port>/graphql */
  readonly graphqlUrl: string;
  /** The builtin issuer shared by every service: tests and the demo seed mint tokens with it. */
  readonly issuer: BuiltinIssuer;
  readonly identityGrpcPort: number;
  readonly reportingGrpcPort: number;
  readonly logger: Logger;
  /** Ordered stop: the gateway stops accepting and drains, then the services, then the bus. Idempotent. */
  stop(reason?: string): Promise<void>;
}

/**
 * The embedded mode (ARCHITECTURE §3): the gateway and the services in one process, each service on its own SQLite
 * event store under dataDir, one in-process bus, one builtin token issuer. The services still talk gRPC over loopback,
 * exactly as in the distributed mode; only the adapters differ. Services not built yet (consult, prescription,
 * pharmacy, records) are not started.
 */
export async function startEmbeddedPlatform(options: EmbeddedOptions): Promise<EmbeddedPlatform> {
  mkdirSync(options.dataDir, { recursive: true });
  const logger = createLogger({ name: "embedded", level: options.logLevel ?? "info" });
  const lifecycle = createLifecycle({ logger });
  const bus = new InProcessBus();
  const issuer = await openBuiltinIssuer(options.dataDir);
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const common = { DATA_DIR: options.dataDir, GRPC_PORT: "0", LOG_LEVEL: options.logLevel ?? "info" };
  const clock = options.clock;

  let identity: IdentityService | undefined;
  let reporting: ReportingService | undefined;
  let gateway: RunningGateway | undefined;
  // Tracing once for the whole process: its context manager is what carries a request's trace context through the
  // gateway, the gRPC handlers and into event metadata (one user action, one trace).
  const tracing = startTracing({ serviceName: "ihp-embedded", otlpEndpoint: options.otlpEndpoint });
  // Registered in start order; the lifecycle stops them in reverse: gateway, reporting, identity, bus, telemetry.
  lifecycle.register("telemetry", { stop: () => tracing.shutdown() });
  lifecycle.register("bus", { stop: () => bus.close() });
  lifecycle.register("identity", {
    start: async () => {
      const config = identityConfigSchema.parse({ ...common, SERVICE_NAME: "identity" });
      identity = await startIdentityService({ config, bus, verifier, logger: logger.child({ service: "identity" }), ...(clock ? { clock } : {}) });
    },
    stop: async () => {
      await identity?.stop();
    },
  });
  lifecycle.register("reporting", {
    start: async () => {
      const config = reportingConfigSchema.parse({ ...common, SERVICE_NAME: "reporting" });
      reporting = await startReportingService({ config, bus, verifier, logger: logger.child({ service: "reporting" }), ...(clock ? { clock } : {}) });
    },
    stop: async () => {
      await reporting?.stop();
    },
  });
  lifecycle.register("gateway", {
    start: async () => {
      gateway = await startGateway({
        port: options.gatewayPort,
        identity: `127.0.0.1:${identity!.grpcPort}`,
        reporting: `127.0.0.1:${reporting!.grpcPort}`,
        verifier,
        bus,
        logger: logger.child({ service: "gateway" }),
        graphiql: true,
        errorTables: [IDENTITY_ERRORS, REPORTING_ERRORS],
      });
    },
    stop: () => gateway?.stop() ?? Promise.resolve(),
  });
  await lifecycle.start();

  return {
    graphqlUrl: `${gateway!.url}/graphql`,
    issuer,
    identityGrpcPort: identity!.grpcPort,
    reportingGrpcPort: reporting!.grpcPort,
    logger,
    stop: async (reason) => {
      await lifecycle.stop(reason);
    },
  };
}
