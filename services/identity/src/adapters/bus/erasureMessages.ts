import { decodeEnvelope, type MessageHandler } from "@ihp/messaging";
import { ERASURE_CONFIRMED, type HostDeps, type HostedConsumer, type HostedJob, metadataFromEnvelope } from "@ihp/service-host";
import type { ErasureCoordinator } from "../../application/erasure/erasureCoordinator.js";
import { type ErasureReadModels, openErasures } from "../../application/erasure/erasuresProjection.js";

/**
 * The coordinator's side of the erasure protocol on the bus (issue 10 item 3): one durable per holder for its
 * confirmations (each holder publishes on its own context's stream), and the job that re-publishes the order of an
 * erasure some holder has not confirmed and raises ERASURE_INCOMPLETE once it stays open past the alert threshold.
 */

export function confirmationConsumers<DB>(holders: readonly string[], coordinator: (deps: HostDeps<DB>) => ErasureCoordinator): HostedConsumer<DB>[] {
  return holders.map((holder) => ({
    spec: { durable: `identity-erasure-confirmations-${holder}`, subjects: [`ihp.${holder}.v1.${ERASURE_CONFIRMED}`] },
    handler: (deps) => confirmationHandler(holder, coordinator(deps), deps.clock),
  }));
}

function confirmationHandler(holder: string, coordinator: ErasureCoordinator, clock: () => Date): MessageHandler {
  return async (message) => {
    const { envelope, data } = decodeEnvelope(message);
    // Only the holder's own stream speaks for it: a confirmation naming another holder is not counted.
    if (data === undefined || data.holder !== holder || typeof data.erasureId !== "string") return;
    await coordinator.confirm(data.erasureId, holder, metadataFromEnvelope(envelope, data.erasureId, clock));
  };
}

export interface ErasureRetryOptions {
  /** How often the job runs, and how long an order waits for its confirmations before it is published again. */
  readonly everyMs: number;
  /** An erasure still open this long after its request is ERASURE_INCOMPLETE: an error log line alerting rules match. */
  readonly alertAfterMs: number;
}

export function erasureRetryJob<DB extends ErasureReadModels>(options: ErasureRetryOptions, coordinator: (deps: HostDeps<DB>) => ErasureCoordinator): HostedJob<DB> {
  return {
    name: "erasure-retry",
    everyMs: options.everyMs,
    async run(deps) {
      const now = deps.clock().getTime();
      const open = await openErasures(deps.readModels as never, new Date(now - options.everyMs).toISOString());
      for (const row of open) {
        const state = await coordinator(deps).retry(row.erasure_id);
        if (state === undefined || state.status === "COMPLETE") continue;
        if (now - Date.parse(state.requestedAt) >= options.alertAfterMs) {
          deps.logger.error(
            { code: "ERASURE_INCOMPLETE", erasureId: state.erasureId, pending: state.pending, attempts: state.attempts },
            "erasure not confirmed by every key holder; its order was published again",
          );
        }
      }
    },
  };
}
