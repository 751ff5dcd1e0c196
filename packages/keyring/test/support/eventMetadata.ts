import type { EventMetadata } from "@ihp/eventsourcing";

/** A physician's event metadata, for the sealed-log tests. */
export const metadata: EventMetadata = {
  actorId: "physician-1",
  actorRole: "physician",
  tenantId: "hospital-1",
  correlationId: "c",
  causationId: "c",
  occurredAt: "2026-12-06T08:00:00.000Z",
};
