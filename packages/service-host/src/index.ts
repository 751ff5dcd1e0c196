// @ihp/service-host: the composition root the event-sourced services share.
export { defaultCheckpointKeyDir, startServiceHost } from "./serviceHost.js";
export type { HostConfig, HostDeps, HostedConsumer, HostedJob, HostedService, ServiceHostOptions } from "./serviceHost.js";
export { openSealedStore } from "./sealing.js";
export { openRelayCheckpoints } from "./relayCheckpoints.js";
export { RELAY_LOCK_RETRY_MS, startActiveRelay } from "./activeRelay.js";
export type { RelayCheckpoints } from "./relayCheckpoints.js";
export { runServiceProcess } from "./runServiceProcess.js";
export type { ProcessDeps } from "./runServiceProcess.js";
export { checkpointFromMessage, CHECKPOINT_CONTENT_TYPE, CHECKPOINT_EVENT_TYPE, intervalTimer, LogCheckpointer } from "./logCheckpoints.js";
export type { CheckpointTimer, LogCheckpointerOptions } from "./logCheckpoints.js";
export { createHostMetrics } from "./hostMetrics.js";
export type { HostMetrics } from "./hostMetrics.js";
export { dependencyProbes, healthLog } from "./hostHealth.js";
export {
  confirmationStream,
  ERASURE_COMPLETED,
  ERASURE_CONFIRMED,
  ERASURE_REQUESTED,
  ERASURE_RETRIED,
  erasureHolder,
  erasureHolderConsumer,
  erasureHolderSpec,
  erasureStream,
  metadataFromEnvelope,
  orderOf,
} from "./erasure.js";
export type { ErasureHolderOptions, ErasureOrder } from "./erasure.js";
