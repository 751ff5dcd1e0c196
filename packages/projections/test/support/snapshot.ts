import type { Kysely } from "kysely";

import type { CheckpointTables } from "../../src/index.js";
import type { StreamSummaryTables } from "./streamSummaryProjection.js";

export type SummaryRow = StreamSummaryTables["stream_summaries"];
export type TenantRow = StreamSummaryTables["tenant_activity"];

export interface ReadModelRows {
  readonly stream_summaries: readonly SummaryRow[];
  readonly tenant_activity: readonly TenantRow[];
}

export interface CheckpointRow {
  readonly name: string;
  readonly position: string;
  readonly version: number;
}

/**
 * Every row of the read model as plain objects with a fixed key order, sorted in JavaScript: server collations
 * order text differently, and drivers may hand back other numeric types, so rows compare only after this.
 */
export async function readModelRows(db: Kysely<StreamSummaryTables>): Promise<ReadModelRows> {
  const summaries = await db.selectFrom("stream_summaries").selectAll().execute();
  const tenants = await db.selectFrom("tenant_activity").selectAll().execute();
  return {
    stream_summaries: summaries
      .map((row) => ({
        stream_id: row.stream_id,
        tenant_id: row.tenant_id,
        event_count: Number(row.event_count),
        last_type: row.last_type,
        last_revision: Number(row.last_revision),
        first_recorded_at: row.first_recorded_at,
        last_recorded_at: row.last_recorded_at,
      }))
      .sort((a, b) => byText(a.stream_id, b.stream_id)),
    tenant_activity: tenants
      .map((row) => ({ tenant_id: row.tenant_id, open_streams: Number(row.open_streams), events: Number(row.events) }))
      .sort((a, b) => byText(a.tenant_id, b.tenant_id)),
  };
}

export async function checkpointRows(db: Kysely<StreamSummaryTables>): Promise<CheckpointRow[]> {
  const rows = await (db as unknown as Kysely<CheckpointTables>)
    .selectFrom("projection_checkpoints")
    .selectAll()
    .execute();
  return rows
    .map((row) => ({ name: row.name, position: row.position, version: Number(row.version) }))
    .sort((a, b) => byText(a.name, b.name));
}

/** Read model and checkpoints together: what must not change, or change together. */
export async function snapshot(db: Kysely<StreamSummaryTables>): Promise<ReadModelRows & { checkpoints: CheckpointRow[] }> {
  return { ...(await readModelRows(db)), checkpoints: await checkpointRows(db) };
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
