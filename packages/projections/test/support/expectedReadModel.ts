import type { StoredEvent } from "@ihp/eventsourcing";

import type { ReadModelRows, SummaryRow, TenantRow } from "./snapshot.js";
import { CLOSED, NOTED, OPENED } from "./streamSummaryProjection.js";

/** The stream summary read model computed in memory: what the tables must hold after applying these events. */
export function expectedReadModel(events: readonly StoredEvent[], label = (type: string) => type): ReadModelRows {
  const summaries = new Map<string, SummaryRow>();
  const tenants = new Map<string, TenantRow>();
  for (const event of events) {
    const tenantId = event.metadata.tenantId;
    const tenant = tenants.get(tenantId) ?? { tenant_id: tenantId, open_streams: 0, events: 0 };
    const summary = summaries.get(event.streamId);
    switch (event.type) {
      case OPENED:
        summaries.set(event.streamId, {
          stream_id: event.streamId,
          tenant_id: tenantId,
          event_count: 1,
          last_type: label(event.type),
          last_revision: event.revision,
          first_recorded_at: event.recordedAt,
          last_recorded_at: event.recordedAt,
        });
        tenants.set(tenantId, { ...tenant, open_streams: tenant.open_streams + 1, events: tenant.events + 1 });
        break;
      case NOTED:
        if (summary !== undefined) {
          summaries.set(event.streamId, {
            ...summary,
            event_count: summary.event_count + 1,
            last_type: label(event.type),
            last_revision: event.revision,
            last_recorded_at: event.recordedAt,
          });
        }
        tenants.set(tenantId, { ...tenant, events: tenant.events + 1 });
        break;
      case CLOSED:
        summaries.delete(event.streamId);
        if (tenant.open_streams === 1) tenants.delete(tenantId);
        else tenants.set(tenantId, { ...tenant, open_streams: tenant.open_streams - 1, events: tenant.events + 1 });
        break;
      default:
        break;
    }
  }
  return {
    stream_summaries: [...summaries.values()].sort((a, b) => compare(a.stream_id, b.stream_id)),
    tenant_activity: [...tenants.values()].sort((a, b) => compare(a.tenant_id, b.tenant_id)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
