import { readFile } from "node:fs/promises";
import { IntegrationIngestServiceService, IntegrationOutboundServiceService, IntegrationQueryServiceService } from "@ihp/contracts/integration";
import type { Bus } from "@ihp/messaging";
import { ConfigError, type GrpcHandlerOptions, type Logger, type PrincipalResolver, requiredUnless, serviceTokenGetter, type StopOutcome } from "@ihp/platform";
import { startServiceHost } from "@ihp/service-host";
import { OUTBOUND_DURABLE, OUTBOUND_SUBJECTS, outboundHandler } from "./adapters/bus/outboundConsumer.js";
import { ingestServer, queryServer } from "./adapters/grpc/integrationServer.js";
import { outboundServer } from "./adapters/grpc/outboundServer.js";
import { grpcIdentity } from "./adapters/identity/grpcIdentity.js";
import { createIngest } from "./application/ingest.js";
import { createOutbound } from "./application/outbound.js";
import type { IdentityPort } from "./application/ports.js";
import { createQueries } from "./application/queries.js";
import { createRecords } from "./application/records.js";
import type { IntegrationConfig } from "./config.js";
import { INTEGRATION_SEALING } from "./application/sealing.js";

export const INTEGRATION_CONTEXT = "integration";

export interface IntegrationServiceOptions {
  readonly config: IntegrationConfig;
  /** A bus shared with other services (the embedded runner's). Its owner closes it. */
  readonly bus?: Bus | undefined;
  readonly verifier?: PrincipalResolver | undefined;
  readonly clock?: (() => Date) | undefined;
  readonly logger?: Logger | undefined;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
  /** Identity's checks. Default: gRPC to IDENTITY_GRPC_ADDRESS with `serviceToken`. */
  readonly identity?: IdentityPort | undefined;
  /** Integration's own token for identity. Default: the platform's service token source. */
  readonly serviceToken?: (() => Promise<string>) | undefined;
  /** How often a FollowOutbound stream looks for new entries. */
  readonly outboundPollMs?: number | undefined;
}

export interface IntegrationService {
  readonly grpcPort: number;
  /** The MLLP listener's port, when MLLP_PORT is set and the bridge is present. */
  readonly mllpPort: number | undefined;
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

/** Composition root of the integration service, on the shared service host (ARCHITECTURE §3, §10). */
export async function startIntegrationService(options: IntegrationServiceOptions): Promise<IntegrationService> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  let ownIdentity: ReturnType<typeof grpcIdentity> | undefined;
  let identity = options.identity;
  if (identity === undefined) {
    const address = requiredUnless(config.IDENTITY_GRPC_ADDRESS, "IDENTITY_GRPC_ADDRESS", "an identity port is given");
    ownIdentity = grpcIdentity({ address, timeoutMs: config.IDENTITY_TIMEOUT_MS, serviceToken: options.serviceToken ?? serviceTokenGetter(config) });
    identity = ownIdentity;
  }
  const identityPort = identity;
  let ingestOfHost: ReturnType<typeof createIngest> | undefined;
  let hostLogger: Logger | undefined;
  try {
    const hosted = await startServiceHost({
      context: INTEGRATION_CONTEXT,
      config,
      bus: options.bus,
      verifier: options.verifier,
      clock,
      logger: options.logger,
      metrics: options.metrics,
      tracer: options.tracer,
      sealing: INTEGRATION_SEALING,
      consumesFrom: ["prescription", "pharmacy"],
      consumers: [
        {
          spec: { durable: OUTBOUND_DURABLE, subjects: OUTBOUND_SUBJECTS },
          handler: ({ store, newId, logger }) => outboundHandler(createOutbound({ store, clock, newEventId: newId }), logger),
        },
      ],
      grpc: ({ store, audit, handlers, newId, stopping, logger }) => {
        const ingest = createIngest({ store, audit, identity: identityPort, clock, newEventId: newId });
        ingestOfHost = ingest;
        hostLogger = logger;
        const outbound = createOutbound({ store, clock, newEventId: newId, pollMs: options.outboundPollMs });
        return [
          { definition: IntegrationIngestServiceService, implementation: ingestServer({ handlers, ingest, audit, newId }) },
          {
            definition: IntegrationQueryServiceService,
            implementation: queryServer({ handlers, queries: createQueries({ records: createRecords(store), audit, identity: identityPort }), newId }),
          },
          { definition: IntegrationOutboundServiceService, implementation: outboundServer({ handlers, outbound, audit, newId, stopping }) },
        ];
      },
    });
    let mllp: Awaited<ReturnType<typeof startMllp>>;
    try {
      mllp = ingestOfHost === undefined || hostLogger === undefined ? undefined : await startMllp(config, ingestOfHost, hostLogger);
    } catch (error) {
      await hosted.stop("MLLP listener did not start");
      throw error;
    }
    return {
      grpcPort: hosted.grpcPort,
      mllpPort: mllp?.port,
      async stop(reason) {
        await mllp?.close();
        const outcomes = await hosted.stop(reason);
        ownIdentity?.close();
        return outcomes;
      },
    };
  } catch (error) {
    ownIdentity?.close();
    throw error;
  }
}

/** The HL7 v2 bridge (src/adapters/mllp), when MLLP_PORT is set. */
async function startMllp(config: IntegrationConfig, ingest: ReturnType<typeof createIngest>, logger: Logger): Promise<{ port: number; close(): Promise<void> } | undefined> {
  if (config.MLLP_PORT === undefined) return undefined;
  if (config.MLLP_INSTITUTION_ID === undefined) {
    throw new ConfigError([{ variable: "MLLP_INSTITUTION_ID", problem: "required when MLLP_PORT is set" }]);
  }
  const { startMllpListener } = await import("./adapters/mllp/index.js");
  const tls = await mllpTls(config);
  return startMllpListener({
    ingest,
    ...(tls === undefined ? {} : { tls }),
    host: config.MLLP_HOST,
    port: config.MLLP_PORT,
    institutionId: config.MLLP_INSTITUTION_ID,
    systemId: `mllp:${config.MLLP_INSTITUTION_ID}`,
    sendingFacilities: config.MLLP_SENDING_FACILITIES,
    logger,
  });
}

/** MLLP_TLS_CERT_FILE, MLLP_TLS_KEY_FILE and MLLP_TLS_CA_FILE read at start: all three, or none (plain MLLP). */
async function mllpTls(config: IntegrationConfig): Promise<{ cert: Buffer; key: Buffer; ca: Buffer } | undefined> {
  const files = { MLLP_TLS_CERT_FILE: config.MLLP_TLS_CERT_FILE, MLLP_TLS_KEY_FILE: config.MLLP_TLS_KEY_FILE, MLLP_TLS_CA_FILE: config.MLLP_TLS_CA_FILE };
  const missing = Object.entries(files).filter(([, path]) => path === undefined);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) throw new ConfigError(missing.map(([variable]) => ({ variable, problem: "MLLP TLS needs the certificate, key and CA files together" })));
  const [cert, key, ca] = await Promise.all([files.MLLP_TLS_CERT_FILE, files.MLLP_TLS_KEY_FILE, files.MLLP_TLS_CA_FILE].map((path) => readFile(path ?? "")));
  return { cert: cert!, key: key!, ca: ca! };
}
