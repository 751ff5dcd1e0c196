import type { StoredEvent } from "@ihp/eventsourcing";
import type { Kysely, Transaction } from "kysely";

import type { Projection } from "../../src/index.js";

/** A consult-shaped read model: one summary row per open stream, and per-tenant activity while it has open streams. */
export interface StreamSummaryTables {
  stream_summaries: {
    stream_id: string;
    tenant_id: string;
    event_count: number;
    last_type: string;
    last_revision: number;
    first_recorded_at: string;
    last_recorded_at: string;
  };
  tenant_activity: {
    tenant_id: string;
    open_streams: number;
    events: number;
  };
}

export const OPENED = "ConsultRequested";
export const NOTED = "ConsultNoteAdded";
export const CLOSED = "ConsultClosed";
/** Not handled: the checkpoint moves past it without apply. */
export const IGNORED = "ConsultViewed";

export interface StreamSummaryOptions {
  readonly name?: string;
  readonly version?: number;
  /** How last_type is written; a different label stands for a new version's different output. */
  readonly label?: (type: string) => string;
}

export function streamSummaryProjection(options: StreamSummaryOptions = {}): Projection<StreamSummaryTables> {
  const label = options.label ?? ((type: string) => type);
  return {
    name: options.name ?? "stream_summary",
    version: options.version ?? 1,
    handles: new Set([OPENED, NOTED, CLOSED]),
    setup: createTables,
    async reset(trx) {
      await trx.deleteFrom("stream_summaries").execute();
      await trx.deleteFrom("tenant_activity").execute();
    },
    async apply(trx, event) {
      switch (event.type) {
        case OPENED:
          return opened(trx, event, label);
        case NOTED:
          return noted(trx, event, label);
        case CLOSED:
          return closed(trx, event);
        default:
          throw new Error(`unexpected event type ${event.type}`);
      }
    },
  };
}

async function createTables(db: Kysely<StreamSummaryTables>): Promise<void> {
  await db.schema
    .createTable("stream_summaries")
    .ifNotExists()
    .addColumn("stream_id", "text", (column) => column.primaryKey())
    .addColumn("tenant_id", "text", (column) => column.notNull())
    .addColumn("event_count", "integer", (column) => column.notNull())
    .addColumn("last_type", "text", (column) => column.notNull())
    .addColumn("last_revision", "integer", (column) => column.notNull())
    .addColumn("first_recorded_at", "text", (column) => column.notNull())
    .addColumn("last_recorded_at", "text", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("stream_summaries_tenant")
    .ifNotExists()
    .on("stream_summaries")
    .columns(["tenant_id", "last_recorded_at"])
    .execute();
  await db.schema
    .createTable("tenant_activity")
    .ifNotExists()
    .addColumn("tenant_id", "text", (column) => column.primaryKey())
    .addColumn("open_streams", "integer", (column) => column.notNull())
    .addColumn("events", "integer", (column) => column.notNull())
    .execute();
}

type Trx = Transaction<StreamSummaryTables>;

async function opened(trx: Trx, event: StoredEvent, label: (type: string) => string): Promise<void> {
  await trx
    .insertInto("stream_summaries")
    .values({
      stream_id: event.streamId,
      tenant_id: event.metadata.tenantId,
      event_count: 1,
      last_type: label(event.type),
      last_revision: event.revision,
      first_recorded_at: event.recordedAt,
      last_recorded_at: event.recordedAt,
    })
    .execute();
  await trx
    .insertInto("tenant_activity")
    .values({ tenant_id: event.metadata.tenantId, open_streams: 1, events: 1 })
    .onConflict((conflict) =>
      conflict.column("tenant_id").doUpdateSet((eb) => ({
        open_streams: eb("tenant_activity.open_streams", "+", 1),
        events: eb("tenant_activity.events", "+", 1),
      })),
    )
    .execute();
}

async function noted(trx: Trx, event: StoredEvent, label: (type: string) => string): Promise<void> {
  await trx
    .updateTable("stream_summaries")
    .set((eb) => ({
      event_count: eb("event_count", "+", 1),
      last_type: label(event.type),
      last_revision: event.revision,
      last_recorded_at: event.recordedAt,
    }))
    .where("stream_id", "=", event.streamId)
    .execute();
  await trx
    .updateTable("tenant_activity")
    .set((eb) => ({ events: eb("events", "+", 1) }))
    .where("tenant_id", "=", event.metadata.tenantId)
    .execute();
}

async function closed(trx: Trx, event: StoredEvent): Promise<void> {
  await trx.deleteFrom("stream_summaries").where("stream_id", "=", event.streamId).execute();
  await trx
    .updateTable("tenant_activity")
    .set((eb) => ({ open_streams: eb("open_streams", "-", 1), events: eb("events", "+", 1) }))
    .where("tenant_id", "=", event.metadata.tenantId)
    .execute();
  await trx
    .deleteFrom("tenant_activity")
    .where("tenant_id", "=", event.metadata.tenantId)
    .where("open_streams", "=", 0)
    .execute();
}
