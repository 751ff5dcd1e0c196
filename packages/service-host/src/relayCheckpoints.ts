import { type CheckpointStore, PostgresCheckpointStore, SqliteCheckpointStore } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";
import type { HostConfig } from "./hostTypes.js";

/** A relay's checkpoint store, closed by whoever opened it. */
export type RelayCheckpoints = CheckpointStore & { close(): Promise<void> };

/**
 * Where a relay keeps its position. With READ_MODEL_URL (the distributed mode, replicas sharing one DATA_DIR on a
 * network volume): PostgreSQL, table `relay_checkpoints` beside the read models (READ_MODEL_SCHEMA, else the
 * server's search_path). Without it: the SQLite file `sqlitePath` in DATA_DIR (the embedded mode).
 */
export async function openRelayCheckpoints(
  config: HostConfig,
  sqlitePath: string,
  logger: Logger,
): Promise<RelayCheckpoints> {
  if (config.READ_MODEL_URL === undefined) return SqliteCheckpointStore.open({ path: sqlitePath });
  return PostgresCheckpointStore.open({
    connectionString: config.READ_MODEL_URL,
    ...(config.READ_MODEL_SCHEMA === undefined ? {} : { schema: config.READ_MODEL_SCHEMA }),
    onIdleConnectionError: (error) => logger.warn({ err: error }, "relay checkpoint connection lost; reconnecting"),
  });
}
