import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { HealthCheckResponse_ServingStatus } from "@ihp/contracts";
import {
  AdverseEventServiceService,
  AnomalyCaseServiceService,
  FeedbackServiceService,
  IncidentServiceService,
  RegulatorFeedServiceService,
  SupervisionStatisticsServiceService,
} from "@ihp/contracts/reporting";
import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { type Bus, type Consumer, Relay } from "@ihp/messaging";
import {
  auditServiceBinding,
  createAuditQuery,
  createAuditTrail,
  createGrpcHandlers,
  createLifecycle,
  createLogger,
  type GrpcMetrics,
  HealthService,
  type Logger,
  OVERALL,
  type PrincipalResolver,
  type RunningGrpcServer,
  serveGrpc,
  serviceTokenSource,
  type StopOutcome,
  verifierFromConfig,
  openEventStore,
  watchHealth,
} from "@ihp/platform";
import { createHostMetrics, dependencyProbes, healthLog, openRelayCheckpoints, openSealedStore, type RelayCheckpoints, startActiveRelay } from "@ihp/service-host";
import { type HeadReadModel, type HeadReadModelOptions, openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import type { Kysely } from "kysely";
import { type StatisticsReadModels, statisticsProjection } from "./adapters/statisticsProjection.js";
import { statisticsServer } from "./adapters/statisticsServer.js";
import { STATISTICS_CONSULT_DURABLE, STATISTICS_CONSULT_SUBJECTS, statisticsConsultHandler } from "./adapters/statisticsConsumer.js";
import { OpenDeadlines } from "./application/openDeadlines.js";
import { FeedIndex } from "./application/feedIndex.js";
import { statisticsHandlers } from "./application/statisticsDashboard.js";
import { connectOwnBus } from "./adapters/busConnection.js";
import { loadWorkingDayCalendar } from "./adapters/workingDayCalendarFile.js";
import { feedEntryMessage } from "./adapters/feedPublisher.js";
import { adverseEventServer } from "./adapters/adverseEventServer.js";
import { anomalyServer } from "./adapters/anomalyServer.js";
import { complaintServer } from "./adapters/complaintServer.js";
import { identitySessions } from "./adapters/identitySessions.js";
import { incidentServer } from "./adapters/incidentServer.js";
import { regulatorFeedServer } from "./adapters/regulatorFeedServer.js";
import { registerRegulatorDelivery, type RegulatorDeliveryHandle } from "./adapters/delivery/deliveryLifecycle.js";
import { SOURCE_DECODERS } from "./adapters/sourceDecoders.js";
import { FEED_SOURCES, feedMessageHandler } from "./application/feedConsumer.js";
import { REPORTING_SEALING } from "./application/sealing.js";
import { adverseEventHandlers } from "./application/adverseEvents.js";
import { anomalyHandlers, watchOverdueAnomalyCases } from "./application/anomalies.js";
import { registerDailyExports } from "./application/exports/dailyExports.js";
import { type AuditSourceAddress, grpcAuditSource, parseSecurityReportSources } from "./adapters/auditSources.js";
import { loadDeliverySettings } from "./adapters/delivery/deliveryConfigFile.js";
import { complaintHandlers } from "./application/complaints.js";
import { incidentHandlers } from "./application/incidents.js";
import { auditRefusalRecorder, type RefusalRecorder } from "./application/refusals.js";
import type { SessionCheck } from "./application/sessionCheck.js";
import type { ReportingConfig } from "./config.js";

export interface ReportingServiceOptions {
  readonly config: ReportingConfig;
  /**
   * A bus shared with other services (the embedded runner passes one InProcessBus to all). Not closed on stop.
   * Default: the service connects its own — NATS JetStream when NATS_URL is set, else a private in-process bus.
   */
  readonly bus?: Bus;
  /** Checks callers' tokens. Default: from AUTH_MODE (builtin issuer key in DATA_DIR, or the OIDC provider). */
  readonly verifier?: PrincipalResolver;
  /** Time source for event metadata and recordedAt. Default: the system clock. */
  readonly clock?: () => Date;
  readonly logger?: Logger;
  readonly metrics?: GrpcMetrics;
  /** Where refused feed reads are recorded. Default: the platform audit trail in the reporting log. */
  readonly refusals?: RefusalRecorder;
  /** XC-07: the services the security report reads, when only known once they run (embedded). Default: SECURITY_REPORT_SOURCES. */
  readonly securityReportSources?: readonly AuditSourceAddress[];
  /** IDN-08: clinicians' sessions, asked before their adverse-event reports. Default: identity at IDENTITY_GRPC_ADDRESS. */
  readonly sessions?: SessionCheck;
}

export interface ReportingService extends Omit<RegulatorDeliveryHandle, "regulatorHttpPort" | "grpcService"> {
  /** The port the gRPC server bound (GRPC_PORT=0 picks one). */
  readonly grpcPort: number;
  /** REP-04: the port of the delivery HTTP endpoint (pull regulators, replay), when REGULATOR_HTTP_PORT is set. */
  readonly regulatorHttpPort: number | undefined;
  /**
   * REP-07 and REP-05: runs the overdue checks now (notification tasks, anomaly cases; the timer runs them every
   * INCIDENT_CHECK_INTERVAL_MS). Resolves to the number of alerts raised.
   */
  checkIncidentDeadlines(): Promise<number>;
  /** Stops in reverse start order: gRPC (live feeds end UNAVAILABLE), consumers, relay, own bus, stores. Idempotent. */
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

const RELAY_NAME = "reporting-feed-relay";

/**
 * The reporting service, first slice: the regulator feed (REP-03, REP-04). Consumes the integration events of
 * identity, consult, prescription and pharmacy into FeedEntryRecorded events (DATA_DIR/reporting-events.sqlite),
 * relays them to ihp.reporting.v1.FeedEntryRecorded, and serves RegulatorFeedService over gRPC with health. Resolves once everything runs; a failed start stops what
 * had started and rejects.
 */
export async function startReportingService(options: ReportingServiceOptions): Promise<ReportingService> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, defaultStopTimeoutMs: config.SHUTDOWN_GRACE_MS });
  const calendar = await loadWorkingDayCalendar(config.WORKING_DAY_CALENDAR_FILE, clock(), logger);
  const verifier = options.verifier ?? (await verifierFromConfig(config));
  await mkdir(config.DATA_DIR, { recursive: true });

  // Each component is created in its start, so a failed start leaves nothing half-open behind.
  let store: EventStore | undefined;
  let checkpoints: RelayCheckpoints | undefined;
  let bus: Bus | undefined = options.bus;
  let relay: { stop(): Promise<void> } | undefined;
  const consumers = new Map<string, Consumer>();
  let grpc: RunningGrpcServer | undefined;
  const stopping = new AbortController();
  let readModels: Kysely<StatisticsReadModels> | undefined;
  let statistics: Projector<StatisticsReadModels> | undefined;
  // The service host's operational series and truthful health, for this service's own start (platform README).
  const metrics = createHostMetrics("reporting", options.metrics?.registry);
  const unwatch: (() => void)[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running`);
    return value;
  };

  lifecycle.register("event-store", {
    start: async () => {
      const raw = await openEventStore({
        context: "reporting",
        url: config.EVENT_STORE_URL,
        dataDir: config.DATA_DIR,
        clock,
        onIdleConnectionError: (error) => logger.warn({ err: error }, "event store connection lost; reconnecting"),
      });
      store = metrics.timed(await openSealedStore(raw, REPORTING_SEALING, config, "reporting"));
    },
    stop: () => store?.close(),
  });
  // The feed relay's position: DATA_DIR/reporting-checkpoints.sqlite, or PostgreSQL beside the read models when
  // READ_MODEL_URL is set (replicas share DATA_DIR on a network volume, where a SQLite file is not safe).
  lifecycle.register("checkpoints", {
    start: async () => {
      checkpoints = await openRelayCheckpoints(config, join(config.DATA_DIR, "reporting-checkpoints.sqlite"), logger);
    },
    stop: () => checkpoints?.close(),
  });
  // REP-04: the supervision statistics read model (SQLite in DATA_DIR, or PostgreSQL at READ_MODEL_URL), projected
  // from this service's own log; its checkpoint commits with its rows.
  lifecycle.register("statistics-read-model", {
    start: async () => {
      const db = (readModels =
        config.READ_MODEL_URL === undefined
          ? openSqliteReadModels<StatisticsReadModels>(join(config.DATA_DIR, "reporting-read-models.sqlite"))
          : openPostgresReadModels<StatisticsReadModels>(config.READ_MODEL_URL, {
              ...(config.READ_MODEL_SCHEMA === undefined ? {} : { schema: config.READ_MODEL_SCHEMA }),
              onIdleConnectionError: (error) => logger.warn({ err: error }, "read-model connection lost; reconnecting"),
            }));
      const log = need(store, "event store");
      // The sealed fields (names, texts) are never read: project the log as stored.
      const source = "sealedLog" in log ? (log as { sealedLog: EventStore }).sealedLog : log;
      statistics = new Projector({ db, projection: statisticsProjection, source, onError: (error) => logger.error({ err: error, projection: statisticsProjection.name }, "projection stopped") });
      await statistics.start();
      const running = statistics;
      unwatch.push(metrics.watchProjection(log, statisticsProjection.name, () => Promise.resolve(running.committed)));
    },
    stop: async () => {
      await statistics?.stop();
      await readModels?.destroy();
    },
  });
  /**
   * A read model in the read-model database that queries bring up to the log head (HeadReadModel), kept by its own
   * checkpointed projector over the log as stored (it needs no sealed field) and started and stopped with the service.
   */
  function headReadModel<DB, M extends HeadReadModel<DB>>(component: string, Model: new (options: Omit<HeadReadModelOptions<DB>, "projection">) => M): () => M {
    let model: M | undefined;
    lifecycle.register(component, {
      start: async () => {
        const log = need(store, "event store");
        const source = "sealedLog" in log ? (log as { sealedLog: EventStore }).sealedLog : log;
        const db = need(readModels, "read models") as unknown as Kysely<DB>;
        const built: M = new Model({ db, log, source, onError: (error: unknown) => logger.error({ err: error, projection: built.name }, "projection stopped") });
        await built.start();
        model = built;
        unwatch.push(metrics.watchProjection(log, built.name, () => Promise.resolve(built.committed)));
      },
      stop: () => model?.stop(),
    });
    return () => need(model, component);
  }
  // REP-04 / issue 15: the regulator feed's index (positions by jurisdiction); ListFeed and StreamFeed's catch-up read
  // it instead of scanning the log.
  const feedIndex = headReadModel("feed-index", FeedIndex);
  // REP-04 / REP-05 / REP-07: the open deadlines of complaints, anomaly cases and incidents; the overdue checks and
  // the anomaly gauge read it, not the log.
  const openDeadlines = headReadModel("deadlines-read-model", OpenDeadlines);
  if (bus === undefined) {
    lifecycle.register("bus", {
      start: async () => {
        bus = await connectOwnBus(config.NATS_URL, config.SERVICE_NAME, logger, config.BUS_TRANSIT_KEY_FILE);
      },
      stop: () => bus?.close(),
    });
  }
  lifecycle.register("relay", {
    start: async () => {
      const built = new Relay({
        name: RELAY_NAME,
        store: need(store, "event store"),
        bus: need(bus, "bus"),
        checkpoints: need(checkpoints, "checkpoint store"),
        map: feedEntryMessage,
        // The feed subject in log order, which is what a regulator replays by.
        ordered: true,
        onError: ({ error, event, fatal }) => {
          const what = fatal ? "feed relay stopped" : "feed publish failed; retrying";
          logger.error({ err: error, eventId: event?.id, fatal }, what);
        },
      });
      // One replica feeds the regulators at a time (READ_MODEL_URL: a PostgreSQL advisory lock); the others stand by.
      relay = await startActiveRelay(config, built, RELAY_NAME, logger);
      const saved = need(checkpoints, "checkpoint store");
      unwatch.push(metrics.watchRelay(need(store, "event store"), () => saved.load(RELAY_NAME)));
    },
    stop: () => relay?.stop(),
  });
  // One durable per source context, each bounded by FEED_MAX_DELIVER; the bus's give-up listener alerts.
  for (const source of FEED_SOURCES) {
    lifecycle.register(`${source.context}-consumer`, {
      start: async () => {
        const decode = SOURCE_DECODERS[source.context];
        const handler = feedMessageHandler({ store: need(store, "event store"), logger, clock, decode });
        const { durable, subjects } = source;
        const spec = { durable, subjects, maxDeliver: config.FEED_MAX_DELIVER };
        const consumer = await need(bus, "bus").consume(spec, metrics.counted(spec, handler));
        consumers.set(source.context, consumer);
        unwatch.push(metrics.watchConsumer(durable, consumer));
      },
      stop: () => consumers.get(source.context)?.stop(),
    });
  }
  // REP-04 statistics: consult response times from consult's ConsultStarted (the feed does not carry them).
  lifecycle.register("statistics-consult-consumer", {
    start: async () => {
      const spec = { durable: STATISTICS_CONSULT_DURABLE, subjects: STATISTICS_CONSULT_SUBJECTS, maxDeliver: config.FEED_MAX_DELIVER };
      const handler = statisticsConsultHandler(need(readModels, "statistics read model"), logger);
      const consumer = await need(bus, "bus").consume(spec, metrics.counted(spec, handler));
      consumers.set(STATISTICS_CONSULT_DURABLE, consumer);
      unwatch.push(metrics.watchConsumer(STATISTICS_CONSULT_DURABLE, consumer));
    },
    stop: () => consumers.get(STATISTICS_CONSULT_DURABLE)?.stop(),
  });
  // REP-07 / REP-05 / REP-04 complaints: the scheduled deadline checks. One check at a time; a failed check is logged and the next one retries.
  let incidentTimer: NodeJS.Timeout | undefined;
  let incidentCheck: Promise<unknown> = Promise.resolve();
  const checkIncidentDeadlines = async (): Promise<number> => {
    const deps = { store: need(store, "event store"), clock, logger, calendar, openDeadlines: openDeadlines() };
    const incidents = incidentHandlers(deps);
    const anomalies = anomalyHandlers(deps);
    const complaints = complaintHandlers(deps);
    const run = incidentCheck.then(async () => [
      ...(await incidents.flagOverdueNotifications()),
      ...(await anomalies.flagOverdueCases()),
      ...(await complaints.flagOverdueComplaints()),
    ]);
    incidentCheck = run.catch(() => undefined);
    return (await run).length;
  };
  lifecycle.register("incident-deadlines", {
    start: () => {
      // REP-05: the overdue anomaly cases as a gauge for the alert rules (infra/monitoring), whatever the timer.
      const registry = options.metrics?.registry;
      if (registry !== undefined) unwatch.push(watchOverdueAnomalyCases(registry, openDeadlines(), clock));
      if (config.INCIDENT_CHECK_INTERVAL_MS === 0) return;
      incidentTimer = setInterval(() => {
        checkIncidentDeadlines().catch((error: unknown) => logger.error({ err: error, code: "INCIDENT_CHECK_FAILED" }, "incident deadline check failed"));
      }, config.INCIDENT_CHECK_INTERVAL_MS);
      incidentTimer.unref();
    },
    stop: async () => {
      clearInterval(incidentTimer);
      await incidentCheck;
    },
  });
  // REP-08: the daily Smart Yinchuan export into YINCHUAN_EXPORT_DIR, recorded once per day in this log.
  const testAccounts = async () => (await loadDeliverySettings(config.REGULATOR_DELIVERY_FILE)).testAccounts;
  // XC-07: every configured service's audit trail, read with reporting's own security_report credential.
  const securityTokens = serviceTokenSource(config, fetch, ["security_report"]);
  const securitySources = (options.securityReportSources ?? parseSecurityReportSources(config.SECURITY_REPORT_SOURCES))
    .filter((source) => source.service !== config.SERVICE_NAME)
    .map((source) => grpcAuditSource({ source, token: () => securityTokens.token(), caFile: config.GRPC_TLS_CA_FILE }));
  registerDailyExports(lifecycle, config, { store: () => need(store, "event store"), clock, logger, testAccounts, securitySources });
  // IDN-08: identity, under reporting's own `system` token; the channel connects on the first clinician's report.
  let sessions = options.sessions;
  let identityClient: ReturnType<typeof identitySessions> | undefined;
  lifecycle.register("identity-client", {
    start: () => {
      if (sessions !== undefined) return;
      const tokens = serviceTokenSource(config);
      sessions = identityClient = identitySessions({ address: config.IDENTITY_GRPC_ADDRESS, caFile: config.GRPC_TLS_CA_FILE, serviceToken: () => tokens.token() });
    },
    stop: () => identityClient?.close(),
  });
  // REP-04: delivery to the regulators of REGULATOR_DELIVERY_FILE, with the ack ledger in this log.
  const delivery = registerRegulatorDelivery(lifecycle, { config, store: () => need(store, "event store"), verifier, clock, logger, registry: options.metrics?.registry, calendar });
  lifecycle.register("grpc", {
    start: async () => {
      const feedStore = need(store, "event store");
      const handlers = createGrpcHandlers({ logger, verifier, metrics: options.metrics });
      const recorder = options.refusals ?? auditRefusalRecorder(feedStore, clock);
      const feed = { feed: feedIndex(), handlers, recorder, logger, stopping: stopping.signal };
      const implementation = regulatorFeedServer(feed);
      const incidents = incidentServer(handlers, incidentHandlers({ store: feedStore, clock, logger }));
      const anomalies = anomalyServer(handlers, anomalyHandlers({ store: feedStore, clock, logger, calendar }));
      const adverseEvents = adverseEventServer(handlers, adverseEventHandlers({ store: feedStore, clock, sessions: need(sessions, "identity client") }));
      const feedback = complaintServer(handlers, complaintHandlers({ store: feedStore, clock, calendar }));
      const statisticsApi = statisticsServer(handlers, statisticsHandlers({ store: feedStore, readModels: need(readModels, "statistics read model"), clock }));
      // ihp.audit.v1.AuditService, as the service host serves it for every other service: reporting's refusals are
      // in its own audit streams, and auditTrail(service: REPORTING) reads them here.
      const newAuditId = (): string => uuidv7(clock().getTime());
      const auditTrail = createAuditTrail({ store: feedStore, context: "reporting", clock, newId: newAuditId });
      const audit = auditServiceBinding({ handlers, query: createAuditQuery({ store: feedStore, context: "reporting", audit: auditTrail }), newId: newAuditId });
      const { GRPC_TLS_CERT_FILE: certFile, GRPC_TLS_KEY_FILE: keyFile, GRPC_TLS_CA_FILE: caFile } = config;
      const health = new HealthService();
      grpc = await serveGrpc({
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        services: [
          { definition: RegulatorFeedServiceService, implementation },
          { definition: IncidentServiceService, implementation: incidents },
          { definition: AnomalyCaseServiceService, implementation: anomalies },
          delivery.grpcService(handlers),
          { definition: AdverseEventServiceService, implementation: adverseEvents },
          { definition: FeedbackServiceService, implementation: feedback },
          { definition: SupervisionStatisticsServiceService, implementation: statisticsApi },
          audit,
        ],
        health,
        tls: certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile, caFile },
      });
      // NOT_SERVING while the bus or the event store does not answer.
      const watch = watchHealth({ health, probes: dependencyProbes(need(bus, "bus"), feedStore), everyMs: 5_000, onChange: healthLog(logger) });
      unwatch.push(() => watch.stop(), metrics.watchServing(() => health.status(OVERALL) === HealthCheckResponse_ServingStatus.SERVING));
    },
    stop: async () => {
      // Live feeds never finish by themselves: end them first, so the drain below only waits for unary calls.
      stopping.abort();
      for (const stop of unwatch.splice(0)) stop();
      await grpc?.stop(config.SHUTDOWN_GRACE_MS);
    },
    stopTimeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
  });

  await lifecycle.start();
  return {
    grpcPort: need(grpc, "gRPC server").port,
    checkIncidentDeadlines,
    regulatorHttpPort: delivery.regulatorHttpPort(),
    deliverToRegulators: delivery.deliverToRegulators,
    replayRegulatorDeadLetters: delivery.replayRegulatorDeadLetters,
    stop: (reason) => lifecycle.stop(reason),
  };
}
