import { SubjectErasureServiceService } from "@ihp/contracts/identity";
import { type EventMapper, envelopeMessage } from "@ihp/messaging";
import { ERASURE_REQUESTED, ERASURE_RETRIED, type HostDeps } from "@ihp/service-host";
import { createErasureCoordinator, type ErasureCoordinator } from "../application/erasure/erasureCoordinator.js";
import { type ErasureReadModels, erasuresProjectionOf } from "../application/erasure/erasuresProjection.js";
import type { IdentityConfig } from "../config.js";
import { confirmationConsumers, erasureRetryJob } from "./bus/erasureMessages.js";
import { erasureServer } from "./grpc/erasureServer.js";

/**
 * Identity as the erasure coordinator (issue 10 item 3): what the service host runs for it — the open-erasures read
 * model, a confirmation consumer per key holder, the retry job, the gRPC service — and the relay mapping that
 * publishes orders (ihp.identity.v1.SubjectErasureRequested / …Retried) besides identity's own integration events.
 */
export function erasureHosting<DB extends ErasureReadModels>(config: IdentityConfig, context: string) {
  const holders = config.ERASURE_HOLDERS.split(",");
  const coordinators = new WeakMap<object, ErasureCoordinator>();
  const coordinator = (deps: HostDeps<DB>): ErasureCoordinator => {
    let made = coordinators.get(deps.store);
    if (made === undefined) {
      made = createErasureCoordinator({ store: deps.store, audit: deps.audit, clock: deps.clock, newId: deps.newId, holders });
      coordinators.set(deps.store, made);
    }
    return made;
  };
  const orders = envelopeMessage(context);
  return {
    holders,
    projection: erasuresProjectionOf<DB>(),
    consumers: confirmationConsumers<DB>(holders, coordinator),
    job: erasureRetryJob<DB>({ everyMs: config.ERASURE_RETRY_SECONDS * 1_000, alertAfterMs: config.ERASURE_ALERT_AFTER_SECONDS * 1_000 }, coordinator),
    binding: (deps: HostDeps<DB>) => ({
      definition: SubjectErasureServiceService,
      implementation: erasureServer({ handlers: deps.handlers, coordinator: coordinator(deps), newId: deps.newId }),
    }),
    /** The service's own mapping, with erasure orders published as JSON envelopes. */
    map: (own: EventMapper): EventMapper => (event) => (event.type === ERASURE_REQUESTED || event.type === ERASURE_RETRIED ? orders(event) : own(event)),
  };
}
