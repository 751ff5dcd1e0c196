import { uuidv7, type JsonObject, type NewEvent } from "@ihp/eventsourcing";

/** A new event with test metadata. */
export function newEvent(type: string, data: JsonObject = {}, id: string = uuidv7()): NewEvent {
  return {
    id,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actorId: "user-1",
      actorRole: "physician",
      tenantId: "hospital-1",
      correlationId: "corr-1",
      causationId: "cause-1",
      occurredAt: "2026-11-23T08:00:00.000Z",
    },
  };
}
