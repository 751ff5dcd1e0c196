import { join } from "node:path";
import type { EventStore } from "@ihp/eventsourcing";
import type { WorkingDayCalendar } from "@ihp/jurisdiction";
import type { GrpcHandlers, Lifecycle, Logger, MetricsRegistry, PrincipalResolver } from "@ihp/platform";
import { type DeliveryAccess, deliveryAccess } from "../../application/delivery/deliveryAccess.js";
import type { DeliveryRound } from "../../application/delivery/deliveryWorker.js";
import { uploadDeadlines } from "../../application/delivery/uploadDeadlines.js";
import type { ReportingConfig } from "../../config.js";
import { type RegulatorDelivery, regulatorDelivery } from "./deliveryChannels.js";
import { loadDeliverySettings } from "./deliveryConfigFile.js";
import { deliveryGrpcService } from "./deliveryGrpcServer.js";
import { serveDeliveryHttp } from "./deliveryHttpServer.js";

export interface DeliveryComponentDeps {
  readonly config: ReportingConfig;
  readonly store: () => EventStore;
  readonly verifier: PrincipalResolver;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly registry?: MetricsRegistry | undefined;
  /** REP-02 deadlines count on it (built-in years plus WORKING_DAY_CALENDAR_FILE); default the built-in ones. */
  readonly calendar?: WorkingDayCalendar | undefined;
}

/** What the service exposes of delivery: a round now, a replay, and the HTTP endpoint's port. */
export interface RegulatorDeliveryHandle {
  /** One delivery round for every push and batch channel now (the timer runs one every REGULATOR_DELIVERY_INTERVAL_MS). */
  readonly deliverToRegulators: () => Promise<Readonly<Record<string, DeliveryRound>>>;
  /** Replays a jurisdiction's dead letter (also POST /admin/v1/regulator-replay). Resolves to the messages revived. */
  readonly replayRegulatorDeadLetters: (jurisdiction: string, requestedBy: string) => Promise<number>;
  /** The port of the delivery HTTP endpoint when REGULATOR_HTTP_PORT is set. */
  regulatorHttpPort(): number | undefined;
  /** RegulatorDeliveryService for the gRPC server (started after this component). */
  grpcService(handlers: GrpcHandlers): ReturnType<typeof deliveryGrpcService>;
}

/**
 * Registers REP-04 delivery with the service's lifecycle: the channels of REGULATOR_DELIVERY_FILE (none: nothing
 * runs), the round timer, and the HTTP endpoint for pull regulators and the replay command. Pull channels without
 * REGULATOR_HTTP_PORT stop the start: their regulator could never fetch.
 */
export function registerRegulatorDelivery(lifecycle: Lifecycle, deps: DeliveryComponentDeps): RegulatorDeliveryHandle {
  const { config, logger } = deps;
  let delivery: RegulatorDelivery | undefined;
  let access: DeliveryAccess | undefined;
  let unwatchMetrics: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let http: { readonly port: number; stop(): Promise<void> } | undefined;
  const need = (): RegulatorDelivery => {
    if (delivery === undefined) throw new Error("regulator delivery is not running");
    return delivery;
  };
  const round = () => {
    const next = running.then(() => need().runOnce());
    running = next.catch(() => undefined);
    return next;
  };

  lifecycle.register("regulator-delivery", {
    start: async () => {
      const settings = await loadDeliverySettings(config.REGULATOR_DELIVERY_FILE);
      delivery = regulatorDelivery({ store: deps.store(), settings, clock: deps.clock, logger, registry: deps.registry, outboxDir: join(config.DATA_DIR, "regulator-batches") });
      if (delivery.hasPullChannels && config.REGULATOR_HTTP_PORT === undefined) throw new Error("pull regulator channels need REGULATOR_HTTP_PORT");
      const dueOn = uploadDeadlines(deps.calendar);
      access = deliveryAccess(delivery, deps.store(), deps.clock, dueOn);
      if (deps.registry !== undefined) unwatchMetrics = delivery.watchMetrics(deps.registry, dueOn);
      if (config.REGULATOR_HTTP_PORT !== undefined) {
        http = await serveDeliveryHttp({ delivery, verifier: deps.verifier, access, logger }, config.GRPC_HOST, config.REGULATOR_HTTP_PORT);
      }
      if (config.REGULATOR_DELIVERY_INTERVAL_MS === 0 || delivery.jurisdictions().length === 0) return;
      timer = setInterval(() => void round(), config.REGULATOR_DELIVERY_INTERVAL_MS);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      unwatchMetrics?.();
      await running;
      await http?.stop();
    },
  });

  return {
    deliverToRegulators: round,
    replayRegulatorDeadLetters: (jurisdiction, requestedBy) => need().replay(jurisdiction, requestedBy),
    regulatorHttpPort: () => http?.port,
    grpcService: (handlers) => {
      if (access === undefined) throw new Error("regulator delivery is not running");
      return deliveryGrpcService(handlers, access);
    },
  };
}
