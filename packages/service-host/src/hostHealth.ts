import type { EventStore } from "@ihp/eventsourcing";
import type { Bus } from "@ihp/messaging";
import { HealthCheckResponse_ServingStatus } from "@ihp/contracts";
import { type HealthProbe, type HealthService, type Logger, OVERALL } from "@ihp/platform";

/** What a hosted service cannot serve without: its bus (a NATS round trip) and its event store (a one-event read). */
export function dependencyProbes(bus: Bus, store: EventStore): readonly HealthProbe[] {
  return [
    { name: "bus", check: () => bus.check?.() ?? Promise.resolve() },
    { name: "event-store", check: () => store.readAll({ limit: 1 }) },
  ];
}

/** Logs each change of the failing probes: an error when a dependency is lost, info when all are back. */
export function healthLog(logger: Logger): (failing: readonly string[]) => void {
  return (failing) => {
    if (failing.length === 0) logger.info("dependencies answer again: SERVING");
    else logger.error({ code: "DEPENDENCY_DOWN", failing }, "a dependency does not answer: NOT_SERVING");
  };
}

/** Whether the server as a whole reports SERVING on grpc.health.v1 now (ihp_health_serving). */
export function isServing(health: HealthService): boolean {
  return health.status(OVERALL) === HealthCheckResponse_ServingStatus.SERVING;
}
