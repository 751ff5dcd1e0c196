import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join, relative, resolve } from "node:path";
import { CheckpointSigner, type EventStore, httpTimestampAuthority, isAnchorable, openCheckpointSigner, uuidv7 } from "@ihp/eventsourcing";
import {
  type Bus,
  type Consumer,
  contextStream,
  type GiveUpListener,
  InProcessBus,
  loadTransitKeys,
  NatsJetStreamBus,
  Relay,
} from "@ihp/messaging";
import {
  auditServiceBinding,
  createAuditQuery,
  createAuditTrail,
  createGrpcHandlers,
  createLifecycle,
  createLogger,
  HealthService,
  openEventStore,
  type RunningGrpcServer,
  serveGrpc,
  verifierFromConfig,
  watchHealth,
} from "@ihp/platform";
import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import type { Kysely } from "kysely";
import type { KeyRing, SealedEventStore } from "@ihp/keyring";
import { dependencyProbes, healthLog, isServing } from "./hostHealth.js";
import { createHostMetrics } from "./hostMetrics.js";
import { checkpointCopies, checkpointCopyName, intervalTimer, LogCheckpointer } from "./logCheckpoints.js";
import { openRelayCheckpoints, type RelayCheckpoints } from "./relayCheckpoints.js";
import { startActiveRelay } from "./activeRelay.js";
import { erasureHolderConsumer } from "./erasure.js";
import { openSealedStore } from "./sealing.js";
import { auditingKeyEvents } from "./keyEventAudit.js";
import type { HostDeps, HostedService, ServiceHostOptions } from "./hostTypes.js";

export type { HostConfig, HostDeps, HostedConsumer, HostedJob, HostedService, ServiceHostOptions } from "./hostTypes.js";

/** Where checkpoint keys live unless CHECKPOINT_KEY_DIR says: `$XDG_CONFIG_HOME/ihp/checkpoint-keys` (`~/.config/…`). */
export function defaultCheckpointKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env["XDG_CONFIG_HOME"] !== undefined && env["XDG_CONFIG_HOME"] !== "" ? env["XDG_CONFIG_HOME"] : join(homedir(), ".config");
  return join(config, "ihp", "checkpoint-keys");
}

/**
 * The composition root every event-sourced service shares (ARCHITECTURE §3, §10): event store → read models → bus →
 * projectors → relay → consumers → gRPC, stopped in reverse. A failed start stops what had started. Services pass
 * what differs — projections, the integration-event mapping, consumers, gRPC implementations — and nothing else.
 */
export async function startServiceHost<DB>(options: ServiceHostOptions<DB>): Promise<HostedService> {
  const { config, context } = options;
  const clock = options.clock ?? (() => new Date());
  const coordinator = options.erasureCoordinator ?? "identity";
  const newId = (): string => uuidv7(clock().getTime());
  const logger = options.logger ?? createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS + 5_000 });
  const file = (name: string): string => (config.DATA_DIR === ":memory:" ? ":memory:" : join(config.DATA_DIR, `${context}-${name}`));
  const verifier = options.verifier ?? (await verifierFromConfig(config));
  const stopping = new AbortController();
  // Operational series in the registry of options.metrics (the process's /metrics); see packages/platform/README.md.
  const metrics = createHostMetrics(context, options.metrics?.registry);
  const unwatch: (() => void)[] = [];
  const onGiveUp: GiveUpListener =
    options.onGiveUp ??
    (({ durable, message }) => {
      const { id: messageId, subject, deliveryCount } = message;
      logger.error({ code: "MESSAGE_GIVEN_UP", durable, messageId, subject, deliveryCount }, "consumer gave up on a message");
    });

  // Assigned by each component's start, which runs in registration order before any later one reads them.
  let store!: EventStore;
  let readModels!: Kysely<DB>;
  let bus!: Bus;
  let deps!: HostDeps<DB>;
  let grpc: RunningGrpcServer | undefined;

  lifecycle.register("event-store", {
    start: async () => {
      if (config.DATA_DIR !== ":memory:") await mkdir(config.DATA_DIR, { recursive: true });
      const raw = await openEventStore({
        context,
        url: config.EVENT_STORE_URL,
        dataDir: config.DATA_DIR,
        clock,
        onIdleConnectionError: (error) => logger.warn({ err: error }, "event store connection lost; reconnecting"),
      });
      store = options.sealing === undefined ? raw : await openSealedStore(raw, options.sealing, config, context);
      store = metrics.timed(store);
    },
    stop: () => {
      for (const stop of unwatch.splice(0)) stop();
      return store.close();
    },
  });

  lifecycle.register("read-models", {
    start: () => {
      readModels =
        config.READ_MODEL_URL === undefined
          ? openSqliteReadModels<DB>(file("read-models.sqlite"))
          : openPostgresReadModels<DB>(config.READ_MODEL_URL, {
              ...(config.READ_MODEL_SCHEMA === undefined ? {} : { schema: config.READ_MODEL_SCHEMA }),
              onIdleConnectionError: (error) => logger.warn({ err: error }, "read-model connection lost; reconnecting"),
            });
    },
    stop: () => readModels.destroy(),
  });

  const ownsBus = options.bus === undefined;
  lifecycle.register("bus", {
    start: async () => {
      const streams = [...new Set([context, ...(options.consumesFrom ?? []), ...(options.sealing === undefined ? [] : [coordinator])])].map((name) =>
        contextStream(name, { replicas: config.NATS_STREAM_REPLICAS, maxBytes: config.NATS_STREAM_MAX_BYTES }),
      );
      bus =
        options.bus ??
        (config.NATS_URL === undefined
          ? new InProcessBus({ onGiveUp })
          : await NatsJetStreamBus.connect({
              servers: config.NATS_URL.split(",").map((server) => server.trim()),
              name: config.SERVICE_NAME,
              streams,
              onGiveUp,
              transit: config.BUS_TRANSIT_KEY_FILE === undefined ? undefined : loadTransitKeys(config.BUS_TRANSIT_KEY_FILE),
            }));
      const audit = createAuditTrail({ store, context, clock, newId });
      // XC-07: key destructions and reissues are audit records too (keyEventAudit.ts).
      store = auditingKeyEvents(store, audit);
      const handlers = createGrpcHandlers({ logger, verifier, metrics: options.metrics, tracer: options.tracer });
      const openSealed = (value: string): Promise<string> => ("openValue" in store ? (store as SealedEventStore).openValue(value) : Promise.resolve(value));
      const keyRing = "keyRing" in store ? (store as SealedEventStore & { keyRing: KeyRing }).keyRing : undefined;
      deps = { store, readModels, bus, clock, newId, logger, handlers, audit, stopping: stopping.signal, verifier, openSealed, keyRing, caughtUp };
    },
    stop: () => (ownsBus ? bus.close() : undefined),
  });

  // The anchored log (XC-01): checkpoints of the head at an interval and once more at an ordered stop. Registered
  // right after the bus so that it stops after everything that appends (gRPC, consumers, jobs) and before the bus and
  // the store close: the last checkpoint covers the last event.
  let checkpointer: LogCheckpointer | undefined;
  let cancelCheckpoints: (() => void) | undefined;
  lifecycle.register("log-checkpoints", {
    start: async () => {
      if (!isAnchorable(store)) {
        logger.info("log checkpoints off: the KurrentDB adapter chains per stream, one head hash would not cover the log");
        return;
      }
      const inMemory = config.DATA_DIR === ":memory:";
      // Outside the data folder by default, like the keyring's master key: a copy of the data must not carry the key
      // that could re-sign a rewritten log.
      const keyDir = config.CHECKPOINT_KEY_DIR ?? (inMemory ? undefined : defaultCheckpointKeyDir());
      if (keyDir !== undefined && !inMemory && !relative(resolve(config.DATA_DIR), resolve(keyDir)).startsWith("..")) {
        logger.warn({ keyDir }, "the checkpoint key lies inside DATA_DIR: whoever copies the data can re-sign a rewritten log");
      }
      const signer =
        keyDir === undefined ? CheckpointSigner.generate() : await openCheckpointSigner(join(keyDir, `${context}-checkpoint-p256.pem`));
      // One local copy per replica (REPLICA_ID); the others' are read to resume from.
      const copy = inMemory ? undefined : join(config.DATA_DIR, checkpointCopyName(context, config.REPLICA_ID));
      checkpointer = await LogCheckpointer.open({
        context,
        log: store,
        signer,
        file: copy,
        otherFiles: copy === undefined ? [] : (await checkpointCopies(config.DATA_DIR, context)).filter((other) => other !== copy),
        bus,
        clock,
        newId,
        logger,
        tsa: config.CHECKPOINT_TSA_URL === undefined ? undefined : httpTimestampAuthority({ url: config.CHECKPOINT_TSA_URL }),
      });
      logger.info({ publicKey: signer.publicKey }, "log checkpoints signed with this key");
      // The head is covered when a checkpoint was signed, or a run found the head unchanged since the last one.
      let covered = checkpointer.last === undefined ? undefined : new Date(checkpointer.last.signedAt);
      unwatch.push(metrics.watchCheckpointAge(() => covered, clock));
      const everyMs = config.CHECKPOINT_INTERVAL_SECONDS * 1_000;
      if (everyMs > 0) {
        const active = checkpointer;
        cancelCheckpoints = (options.checkpointTimer ?? intervalTimer)(everyMs, () => {
          active.checkpoint().then(
            () => void (covered = clock()),
            (error: unknown) => logger.error({ err: error }, "log checkpoint failed; next one at the usual time"),
          );
        });
      }
    },
    stop: async () => {
      cancelCheckpoints?.();
      await checkpointer?.checkpoint();
    },
  });

  // The running projectors by name, for caughtUp (queries that must see what was written before them).
  const projectors = new Map<string, Projector<DB>>();
  const caughtUp = async (name: string): Promise<void> => {
    const projector = projectors.get(name);
    if (projector === undefined) throw new Error(`no projection ${name} is running`);
    await projector.caughtUpWith(store, { signal: stopping.signal });
  };

  for (const projection of options.projections ?? []) {
    let projector: Projector<DB> | undefined;
    lifecycle.register(`projector-${projection.name}`, {
      start: async () => {
        projector = new Projector({
          db: readModels,
          projection,
          source: options.projectSealed === true && "sealedLog" in store ? (store as SealedEventStore).sealedLog : store,
          onError: (error) => logger.error({ err: error, projection: projection.name }, "projection stopped"),
        });
        await projector.start();
        projectors.set(projection.name, projector);
        const running = projector;
        unwatch.push(metrics.watchProjection(store, projection.name, () => Promise.resolve(running.committed)));
      },
      stop: () => {
        projectors.delete(projection.name);
        return projector?.stop();
      },
    });
  }

  const { publish } = options;
  if (publish !== undefined) {
    let relay: { stop(): Promise<void> } | undefined;
    let checkpoints: RelayCheckpoints | undefined;
    lifecycle.register("relay", {
      start: async () => {
        checkpoints = await openRelayCheckpoints(config, file("relay-checkpoints.sqlite"), logger);
        const built = new Relay({
          name: `${context}-relay`,
          store,
          bus,
          checkpoints,
          map: publish.map,
          ordered: true,
          ...(publish.maxInFlight === undefined ? {} : { maxInFlight: publish.maxInFlight }),
          onError: ({ error, event, fatal }) => {
            if (fatal) logger.error({ err: error, eventId: event?.id }, "relay stopped");
            else logger.warn({ err: error, eventId: event?.id }, "relay publish failed; retrying");
          },
        });
        // One replica relays at a time (READ_MODEL_URL: a PostgreSQL advisory lock); the others stand by.
        relay = await startActiveRelay(config, built, `${context}-relay`, logger);
        const saved = checkpoints;
        unwatch.push(metrics.watchRelay(store, () => saved.load(`${context}-relay`)));
      },
      stop: async () => {
        await relay?.stop();
        await checkpoints?.close();
      },
    });
  }

  // Every service that seals holds data keys: it follows the coordinator's erasure orders (issue 10 item 3).
  const holder = options.sealing === undefined ? [] : [erasureHolderConsumer<DB>(context, coordinator, options.alsoDestroyOnErasure)];
  for (const hosted of [...(options.consumers ?? []), ...holder]) {
    let consumer: Consumer | undefined;
    lifecycle.register(`consumer-${hosted.spec.durable}`, {
      start: async () => {
        consumer = await bus.consume(hosted.spec, metrics.counted(hosted.spec, hosted.handler(deps)));
        unwatch.push(metrics.watchConsumer(hosted.spec.durable, consumer));
      },
      stop: () => consumer?.stop(),
    });
  }

  lifecycle.register("grpc", {
    start: async () => {
      // Every service answers for its own audit trail (ihp.audit.v1.AuditService): the records never leave its log
      // except through this one minimized, self-recording query.
      const audit = auditServiceBinding({
        handlers: deps.handlers,
        query: createAuditQuery({ store, context, audit: deps.audit }),
        newId,
      });
      const services = [...(await options.grpc(deps)), audit];
      const { GRPC_TLS_CERT_FILE: certFile, GRPC_TLS_KEY_FILE: keyFile, GRPC_TLS_CA_FILE: caFile } = config;
      const health = new HealthService();
      grpc = await serveGrpc({
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        services,
        health,
        tls: certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile, caFile },
      });
      // Health that tells the truth: NOT_SERVING while the bus or the event store does not answer.
      const watch = watchHealth({ health, probes: dependencyProbes(bus, store), everyMs: options.healthCheckMs ?? 5_000, onChange: healthLog(logger) });
      unwatch.push(() => watch.stop(), metrics.watchServing(() => isServing(health)));
    },
    stop: async () => {
      // Server streams never finish by themselves: end them first, so the drain only waits for unary calls.
      stopping.abort();
      await grpc?.stop(config.SHUTDOWN_GRACE_MS);
    },
  });

  for (const job of options.jobs ?? []) {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let stopped = false;
    const schedule = (): void => {
      if (stopped) return;
      timer = setTimeout(() => {
        running = job
          .run(deps)
          .catch((error: unknown) => logger.error({ err: error, job: job.name }, "scheduled job failed; next run at the usual time"))
          .finally(() => {
            running = undefined;
            schedule();
          });
      }, job.everyMs);
      timer.unref();
    };
    lifecycle.register(`job-${job.name}`, {
      start: () => schedule(),
      stop: async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    });
  }

  await lifecycle.start();
  // A bus of its own: its consumers are registered now, and nothing else consumes from it (issue 15: memory).
  if (ownsBus && bus instanceof InProcessBus) bus.endRetention();
  const port = grpc?.port;
  if (port === undefined) throw new Error("gRPC server did not start");
  return { grpcPort: port, stop: (reason) => lifecycle.stop(reason) };
}
