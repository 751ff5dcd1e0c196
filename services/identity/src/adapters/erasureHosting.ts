import { SubjectErasureServiceService } from "@ihp/contracts/identity";
import { type EventMapper, envelopeMessage } from "@ihp/messaging";
import { type MetricsRegistry, scrapeGauge } from "@ihp/platform";
import { ERASURE_REQUESTED, ERASURE_RETRIED, type HostDeps } from "@ihp/service-host";
import { createErasureCoordinator, type ErasureCoordinator } from "../application/erasure/erasureCoordinator.js";
import { type ErasureReadModels, countOpenErasures, erasuresProjectionOf } from "../application/erasure/erasuresProjection.js";
import type { IdentityConfig } from "../config.js";
import { confirmationConsumers, erasureRetryJob } from "./bus/erasureMessages.js";
import { erasureServer } from "./grpc/erasureServer.js";

/**
 * Identity as the erasure coordinator (issue 10 item 3): what the service host runs for it — the open-erasures read
 * model, a confirmation consumer per key holder, the retry job, the gRPC service — and the relay mapping that
 * publishes orders (ihp.identity.v1.SubjectErasureRequested / …Retried) besides identity's own integration events.
 */
export function erasureHosting<DB extends ErasureReadModels>(config: IdentityConfig, context: string, registry?: MetricsRegistry) {
  const holders = config.ERASURE_HOLDERS.split(",");
  // One coordinator per started service: every consumer, the job and the gRPC service share it.
  let made: ErasureCoordinator | undefined;
  const coordinator = (deps: HostDeps<DB>): ErasureCoordinator =>
    (made ??= createErasureCoordinator({ store: deps.store, audit: deps.audit, clock: deps.clock, newId: deps.newId, holders }));
  const orders = envelopeMessage(context);
  const alertAfterMs = config.ERASURE_ALERT_AFTER_SECONDS * 1_000;
  // ihp_erasures_incomplete: erasures still open past the alert threshold (infra/monitoring IhpErasureIncomplete).
  const incomplete = registry === undefined ? undefined : scrapeGauge(registry, {
    name: "ihp_erasures_incomplete",
    help: "Erasures not confirmed by every key holder ERASURE_ALERT_AFTER_SECONDS after their request",
    labelNames: ["context"],
  });
  let unwatch: (() => void) | undefined;
  const watchIncomplete = (deps: HostDeps<DB>): void => {
    unwatch?.();
    unwatch = incomplete?.watch(async () => {
      const overdue = await countOpenErasures(deps.readModels as never, new Date(deps.clock().getTime() - alertAfterMs).toISOString());
      return [{ labels: { context }, value: overdue }];
    });
  };
  return {
    holders,
    projection: erasuresProjectionOf<DB>(),
    consumers: confirmationConsumers<DB>(holders, coordinator),
    job: erasureRetryJob<DB>({ everyMs: config.ERASURE_RETRY_SECONDS * 1_000, alertAfterMs }, coordinator),
    binding: (deps: HostDeps<DB>) => {
      watchIncomplete(deps);
      return { definition: SubjectErasureServiceService, implementation: erasureServer({ handlers: deps.handlers, coordinator: coordinator(deps), newId: deps.newId }) };
    },
    /** The service's own mapping, with erasure orders published as JSON envelopes. */
    map: (own: EventMapper): EventMapper => (event) => (event.type === ERASURE_REQUESTED || event.type === ERASURE_RETRIED ? orders(event) : own(event)),
  };
}
