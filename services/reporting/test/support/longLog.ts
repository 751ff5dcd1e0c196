import { type EventStore, uuidv7 } from "@ihp/eventsourcing";

/**
 * More events than one readAll page of 1,000 (the page size the reporting readers ask for) ahead of what a test records next: a type nothing in reporting
 * projects, so only a check that reads past the first page (or does not read the log) still sees later items.
 */
export async function appendOtherEvents(store: EventStore, at: Date, count = 1_001): Promise<void> {
  const metadata = { actorId: "test", actorRole: "system", tenantId: "inst-1", correlationId: "c", causationId: "c", occurredAt: at.toISOString() };
  const events = Array.from({ length: count }, (_, i) => ({ id: uuidv7(at.getTime() + i), type: "TestFiller", schemaVersion: 1, data: { i }, metadata }));
  await store.append("reporting-test-filler", events, "no_stream");
}
