import type { EventStore } from "@ihp/eventsourcing";
import type { Bus, ConsumerSpec, EventMapper, GiveUpListener, MessageHandler } from "@ihp/messaging";
import type { AuditTrail, BaseConfig, GrpcHandlerOptions, GrpcHandlers, GrpcServiceBinding, Logger, PrincipalResolver, StopOutcome } from "@ihp/platform";
import type { Projection } from "@ihp/projections";
import type { Kysely } from "kysely";
import type { KeyRing, SealingPolicy } from "@ihp/keyring";
import type { ErasureOrder } from "./erasure.js";
import type { CheckpointTimer } from "./logCheckpoints.js";

// The types of the service host's contract (serviceHost.ts): its configuration, what it gives a service's adapters,
// and what a service gives it.

/** The configuration a hosted service needs: the platform's base variables plus, optionally, its read-model database. */
export type HostConfig = BaseConfig & {
  /** PostgreSQL connection string for read models; unset: SQLite in DATA_DIR. */
  readonly READ_MODEL_URL?: string | undefined;
  readonly READ_MODEL_SCHEMA?: string | undefined;
};

/** What a service's adapters are built from, once store, read models and bus are open. */
export interface HostDeps<DB> {
  readonly store: EventStore;
  readonly readModels: Kysely<DB>;
  readonly bus: Bus;
  readonly clock: () => Date;
  /** UUIDv7 from the service clock: event ids, generated ids. */
  readonly newId: () => string;
  readonly logger: Logger;
  /** Wraps gRPC methods: authentication, errors, metrics, traces. */
  readonly handlers: GrpcHandlers;
  /** Records refused attempts (XC-02) in the service's own log. */
  readonly audit: AuditTrail;
  /** Aborted when the service starts stopping: long-running streams end on it. */
  readonly stopping: AbortSignal;
  /** The verifier behind `handlers`, for a second credential a call carries (identity's SignDocument). */
  readonly verifier: PrincipalResolver;
  /**
   * Opens a sealed value a read model kept (with `projectSealed`); ERASED ("已销毁") when its key was destroyed;
   * anything else as it is.
   */
  readonly openSealed: (value: string) => Promise<string>;
  /** With `sealing`: the service's key ring, for bytes sealed outside the log (media blobs); else undefined. */
  readonly keyRing: KeyRing | undefined;
  /**
   * Read-your-writes for a query on a read model: resolves once the named projection (of `projections`) has committed
   * every event the log held when called. Rejects when the projector has failed or the service is stopping, so a
   * query never answers from a read model silently short of the log.
   */
  readonly caughtUp: (projection: string) => Promise<void>;
}

/**
 * Work the service does on a timer (sweeps, periodic checks): started last, stopped first. Runs never overlap; a
 * failed run is logged and the next one comes at the usual time.
 */
export interface HostedJob<DB> {
  readonly name: string;
  readonly everyMs: number;
  readonly run: (deps: HostDeps<DB>) => Promise<void>;
}

/** A durable bus consumer the host starts after the projectors and stops before them. */
export interface HostedConsumer<DB> {
  readonly spec: ConsumerSpec;
  readonly handler: (deps: HostDeps<DB>) => MessageHandler;
}

export interface ServiceHostOptions<DB> {
  /** Bounded context: stream and file names, subjects ihp.<context>.v1.*, audit context. */
  readonly context: string;
  readonly config: HostConfig;
  /** A bus shared with other services (embedded runner); its owner closes it. Default: NATS when NATS_URL is set. */
  readonly bus?: Bus | undefined;
  readonly verifier?: PrincipalResolver | undefined;
  readonly clock?: (() => Date) | undefined;
  readonly logger?: Logger | undefined;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
  /**
   * Personal and clinical fields sealed with the data subject's key before they reach the log (issue 10). Everything
   * that reads through `store` (deciders, projections, the relay) sees them opened.
   */
  readonly sealing?: SealingPolicy | undefined;
  /**
   * With `sealing`: projections read the log as stored, so read models keep the sealed values (never clear text) and
   * queries open them with `openSealed`. Without it projections see the values opened.
   */
  readonly projectSealed?: boolean | undefined;
  /** Read-model projections, each run by its own checkpointed projector. */
  readonly projections?: readonly Projection<DB>[] | undefined;
  /**
   * Maps stored events to integration events; omitted: nothing is published. Published in log order (Relay `ordered`),
   * with up to `maxInFlight` (default 32) at once where the bus keeps that order.
   */
  readonly publish?: { readonly map: EventMapper; readonly maxInFlight?: number } | undefined;
  /** Other contexts whose subjects this service consumes (their JetStream streams are provisioned too). */
  readonly consumesFrom?: readonly string[] | undefined;
  /**
   * With `sealing`: the context whose erasure orders this service follows as a key holder (erasure.ts). Default
   * "identity".
   */
  readonly erasureCoordinator?: string | undefined;
  /** With `sealing`: keys the service holds outside the key ring, destroyed when an erasure order reaches it. */
  readonly alsoDestroyOnErasure?: ((order: ErasureOrder) => Promise<void>) | undefined;
  readonly consumers?: readonly HostedConsumer<DB>[] | undefined;
  /** The gRPC services to serve, built from the open dependencies. */
  readonly grpc: (deps: HostDeps<DB>) => readonly GrpcServiceBinding[] | Promise<readonly GrpcServiceBinding[]>;
  readonly jobs?: readonly HostedJob<DB>[] | undefined;
  /** Called when a consumer gives up on a message (alerting). Default: an error log line. */
  readonly onGiveUp?: GiveUpListener | undefined;
  /** Schedules the periodic log checkpoints (CHECKPOINT_INTERVAL_SECONDS). Default: setInterval; tests inject one. */
  readonly checkpointTimer?: CheckpointTimer | undefined;
  /** How often the bus and the event store are probed for grpc.health.v1 (default 5 s). */
  readonly healthCheckMs?: number | undefined;
}

export interface HostedService {
  readonly grpcPort: number;
  /** Ordered stop (reverse of start): gRPC drains, consumers, relay, projectors, bus (if owned), read models, store. */
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}
