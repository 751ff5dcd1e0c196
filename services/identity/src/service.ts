import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { InstitutionServiceService } from "@ihp/contracts/identity";
import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import {
  type Bus,
  contextStream,
  InProcessBus,
  NatsJetStreamBus,
  Relay,
  SqliteCheckpointStore,
} from "@ihp/messaging";
import {
  createAuditTrail,
  createGrpcHandlers,
  createLifecycle,
  createLogger,
  type GrpcHandlerOptions,
  HealthService,
  type Logger,
  type PrincipalResolver,
  type RunningGrpcServer,
  serveGrpc,
  verifierFromConfig,
  openEventStore,
} from "@ihp/platform";
import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import type { Kysely } from "kysely";
import { identityEventMessage, IDENTITY_CONTEXT } from "./adapters/bus/integrationEvents.js";
import { institutionServer } from "./adapters/grpc/institutionServer.js";
import { createInstitutionCommands } from "./application/institutionCommands.js";
import { createInstitutionQueries } from "./application/institutionQueries.js";
import { type IdentityReadModels, institutionsProjection } from "./application/institutionsProjection.js";
import type { IdentityConfig } from "./config.js";


export interface IdentityServiceOptions {
  readonly config: IdentityConfig;
  /** A bus shared with other services (the embedded runner's InProcessBus). Its owner closes it. Default: NATS when
   * NATS_URL is set, else a private in-process bus. */
  readonly bus?: Bus;
  /** Token verification shared with other services. Default: from AUTH_MODE (builtin key in DATA_DIR, or OIDC). */
  readonly verifier?: PrincipalResolver;
  /** The one clock of the service: event times, audit days, licence expiry, profile versions. Default: system time. */
  readonly clock?: () => Date;
  readonly logger?: Logger;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
}

export interface IdentityService {
  /** The bound gRPC port (GRPC_PORT=0 picks a free one). */
  readonly grpcPort: number;
  /** Ordered stop: gRPC drains, relay and projector stop, bus (if ours), read models and stores close. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Composition root of the identity service (ARCHITECTURE §3, §10). Components start in this order and stop in the
 * reverse: event store → read models → bus → projector → relay → gRPC. A failed start stops what had started.
 */
export async function startIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  const newId = (): string => uuidv7(clock().getTime());
  const logger = options.logger ?? createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS + 5_000 });
  const file = (name: string): string => (config.DATA_DIR === ":memory:" ? ":memory:" : join(config.DATA_DIR, name));
  const verifier = options.verifier ?? (await verifierFromConfig(config));

  // Assigned by each component's start, which the lifecycle runs in registration order before any later one reads them.
  let store!: EventStore;
  let readModels!: Kysely<IdentityReadModels>;
  let bus!: Bus;
  let grpc: RunningGrpcServer | undefined;

  lifecycle.register("event-store", {
    start: async () => {
      if (config.DATA_DIR !== ":memory:") await mkdir(config.DATA_DIR, { recursive: true });
      store = await openEventStore({ context: IDENTITY_CONTEXT, url: config.EVENT_STORE_URL, dataDir: config.DATA_DIR, clock });
    },
    stop: () => store.close(),
  });

  lifecycle.register("read-models", {
    start: () => {
      readModels =
        config.READ_MODEL_URL === undefined
          ? openSqliteReadModels<IdentityReadModels>(file("identity-read-models.sqlite"))
          : openPostgresReadModels<IdentityReadModels>(config.READ_MODEL_URL, {
              ...(config.READ_MODEL_SCHEMA === undefined ? {} : { schema: config.READ_MODEL_SCHEMA }),
              onIdleConnectionError: (error) => logger.warn({ err: error }, "read-model connection lost; reconnecting"),
            });
    },
    stop: () => readModels.destroy(),
  });

  const ownsBus = options.bus === undefined;
  lifecycle.register("bus", {
    start: async () => {
      bus =
        options.bus ??
        (config.NATS_URL === undefined
          ? new InProcessBus()
          : await NatsJetStreamBus.connect({
              servers: config.NATS_URL.split(",").map((server) => server.trim()),
              name: config.SERVICE_NAME,
              streams: [contextStream(IDENTITY_CONTEXT)],
            }));
    },
    stop: () => (ownsBus ? bus.close() : undefined),
  });

  let projector: Projector<IdentityReadModels> | undefined;
  lifecycle.register("projector", {
    start: async () => {
      projector = new Projector({
        db: readModels,
        projection: institutionsProjection,
        source: store,
        onError: (error) => logger.error({ err: error, projection: institutionsProjection.name }, "projection stopped"),
      });
      await projector.start();
    },
    stop: () => projector?.stop(),
  });

  let relay: Relay | undefined;
  let checkpoints: SqliteCheckpointStore | undefined;
  lifecycle.register("relay", {
    start: async () => {
      checkpoints = SqliteCheckpointStore.open({ path: file("identity-relay-checkpoints.sqlite") });
      relay = new Relay({
        name: "identity-relay",
        store,
        bus,
        checkpoints,
        map: identityEventMessage,
        // Few events, and consumers (the regulator feed) read licence history in order: keep bus order = log order.
        maxInFlight: 1,
        onError: ({ error, event, fatal }) => {
          if (fatal) logger.error({ err: error, eventId: event?.id }, "relay stopped");
          else logger.warn({ err: error, eventId: event?.id }, "relay publish failed; retrying");
        },
      });
      await relay.start();
    },
    stop: async () => {
      await relay?.stop();
      await checkpoints?.close();
    },
  });

  lifecycle.register("grpc", {
    start: async () => {
      const audit = createAuditTrail({ store, context: IDENTITY_CONTEXT, clock, newId });
      const handlers = createGrpcHandlers({ logger, verifier, metrics: options.metrics, tracer: options.tracer });
      const implementation = institutionServer({
        handlers,
        commands: createInstitutionCommands({ store, audit, clock, newEventId: newId }),
        queries: createInstitutionQueries({ store, audit }),
        readModels,
        newId,
      });
      const { GRPC_TLS_CERT_FILE: certFile, GRPC_TLS_KEY_FILE: keyFile, GRPC_TLS_CA_FILE: caFile } = config;
      grpc = await serveGrpc({
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        services: [{ definition: InstitutionServiceService, implementation }],
        health: new HealthService(),
        tls: certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile, caFile },
      });
    },
    stop: () => grpc?.stop(config.SHUTDOWN_GRACE_MS),
  });

  await lifecycle.start();
  const port = grpc?.port;
  if (port === undefined) throw new Error("gRPC server did not start");
  return {
    grpcPort: port,
    stop: async () => {
      await lifecycle.stop();
    },
  };
}
