import { runWithAdvisoryLock, type Relay } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import type { HostConfig } from "./hostTypes.js";

/** How often a replica without the relay lock asks for it again, and the holder checks its connection. */
export const RELAY_LOCK_RETRY_MS = 5_000;

/**
 * Starts a service's relay so that one replica publishes at a time. With READ_MODEL_URL (the distributed mode, where a
 * service may run several replicas): only while this process holds the PostgreSQL advisory lock named after
 * READ_MODEL_SCHEMA and the relay, on a connection of its own; the other replicas stand by, ask again every
 * RELAY_LOCK_RETRY_MS, and one takes over when the holder's connection closes (an ordered stop, a crash). The relay's
 * position is the shared row in PostgreSQL (openRelayCheckpoints), so the new holder resumes where the old one saved.
 * Without READ_MODEL_URL (the embedded mode, one process): at once, as before.
 */
export async function startActiveRelay(config: HostConfig, relay: Relay, name: string, logger: Logger): Promise<{ stop(): Promise<void> }> {
  if (config.READ_MODEL_URL === undefined) {
    await relay.start();
    return relay;
  }
  return runWithAdvisoryLock(
    {
      connectionString: config.READ_MODEL_URL,
      name: `relay:${config.READ_MODEL_SCHEMA ?? ""}:${name}`,
      retryMs: RELAY_LOCK_RETRY_MS,
      onActive: (active) =>
        logger.info({ relay: name }, active ? "relay active: this replica holds the relay lock" : "relay stopped here; standing by for the relay lock"),
      onError: (error) => logger.warn({ err: error, relay: name }, "relay lock not held (connection failed or lost); asking again"),
    },
    relay,
  );
}
