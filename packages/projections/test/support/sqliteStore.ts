import { uuidv7, type LogPosition, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { onTestFinished } from "vitest";

/** The real embedded event store, in memory, closed when the test finishes. */
export function openStore(): SqliteEventStore {
  const store = SqliteEventStore.open({ path: ":memory:" });
  onTestFinished(() => store.close());
  return store;
}

/**
 * Appends the fixtures' facts (stream, type, tenant, revision) to the store; the store assigns positions and times.
 * All appends are made in one turn, so the store commits them together and a live subscriber sees them at once.
 * Resolves with the last position written.
 */
export async function appendAll(store: SqliteEventStore, fixtures: readonly StoredEvent[]): Promise<LogPosition> {
  const results = await Promise.all(
    fixtures.map((fixture) =>
      store.append(
        fixture.streamId,
        [
          {
            id: uuidv7(),
            type: fixture.type,
            schemaVersion: fixture.schemaVersion,
            data: fixture.data,
            metadata: fixture.metadata,
          },
        ],
        fixture.revision === 0 ? "no_stream" : fixture.revision - 1,
      ),
    ),
  );
  return results.at(-1)?.events.at(-1)?.position ?? 0n;
}

export async function everything(store: SqliteEventStore): Promise<readonly StoredEvent[]> {
  return store.readAll({ limit: 1_000_000 });
}
