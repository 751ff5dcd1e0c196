import type { EventMetadata, JsonObject, StoredEvent } from "./types.js";

/**
 * One stored event as a SQL store keeps it: canonical JSON text for data and metadata (exactly what was hashed), the
 * global position as the driver returns it (SQLite: number, PostgreSQL bigint: string).
 */
export interface StoredEventRow {
  readonly position: number | string;
  readonly stream_id: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: string;
  readonly prev_hash: string;
  readonly hash: string;
}

export function rowToEvent(row: StoredEventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
