import { join } from "node:path";

import type { EventStore } from "@ihp/eventsourcing";

export interface EventStoreSettings {
  /** The service's context, e.g. "identity": the SQLite file's name, or the KurrentDB stream prefix. */
  readonly context: string;
  /**
   * EVENT_STORE_URL: a kurrentdb:// or esdb:// connection string selects KurrentDB, postgres:// PostgreSQL (schema
   * "<context>_events"); unset selects SQLite.
   */
  readonly url?: string | undefined;
  /** DATA_DIR, where the SQLite file lives (":memory:" keeps it in memory). */
  readonly dataDir: string;
  readonly clock?: (() => Date) | undefined;
  /** PostgreSQL: a pooled connection the server ended while idle (restart, failover); the pool reconnects by itself. */
  readonly onIdleConnectionError?: ((error: Error) => void) | undefined;
}

/** Which adapter a connection string selects (ARCHITECTURE §3): KurrentDB or PostgreSQL by scheme, SQLite otherwise. */
export function eventStoreKind(url: string | undefined): "kurrentdb" | "postgres" | "sqlite" {
  if (url !== undefined && /^(kurrentdb|kdb|esdb)(\+discover)?:\/\//.test(url)) return "kurrentdb";
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) return "postgres";
  return "sqlite";
}

/**
 * Opens the service's event store, the adapter chosen by configuration at the composition root (ARCHITECTURE §3):
 * KurrentDB in the distributed mode when EVENT_STORE_URL names a cluster (the service sees only its own streams,
 * prefixed "<context>-"), else one SQLite file per service in DATA_DIR. Adapters are imported on demand, so a service
 * on SQLite never loads the KurrentDB client.
 */
export async function openEventStore(settings: EventStoreSettings): Promise<EventStore> {
  if (eventStoreKind(settings.url) === "kurrentdb") {
    const { KurrentDbEventStore } = await import("@ihp/eventsourcing/kurrentdb");
    return KurrentDbEventStore.connect({
      connectionString: settings.url ?? "",
      streamPrefix: `${settings.context}-`,
      ...(settings.clock === undefined ? {} : { clock: settings.clock }),
    });
  }
  if (eventStoreKind(settings.url) === "postgres") {
    // One schema per service context on a shared server; the table is created only when missing, so in production an
    // owner migrates it and the service connects as an append-only role (see the eventsourcing README).
    const { PostgresEventStore } = await import("@ihp/eventsourcing/postgres");
    return PostgresEventStore.open({
      connectionString: settings.url ?? "",
      schema: `${settings.context.replaceAll(/[^A-Za-z0-9_]/g, "_")}_events`,
      migrate: true,
      ...(settings.clock === undefined ? {} : { clock: settings.clock }),
      ...(settings.onIdleConnectionError === undefined ? {} : { onIdleConnectionError: settings.onIdleConnectionError }),
    });
  }
  const { SqliteEventStore } = await import("@ihp/eventsourcing/sqlite");
  const path = settings.dataDir === ":memory:" ? ":memory:" : join(settings.dataDir, `${settings.context}-events.sqlite`);
  return SqliteEventStore.open({ path, ...(settings.clock === undefined ? {} : { clock: settings.clock }) });
}
