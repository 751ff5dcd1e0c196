import { type EventStore, type LogPosition, START, type StoredEvent } from "@ihp/eventsourcing";

/**
 * Every event of the log after `after` (default START), read page by page until a page comes back empty. For a
 * test that asserts on the whole log: readAll returns one page of at most `limit` events, never silently all of them.
 */
export async function readWholeLog(
  log: Pick<EventStore, "readAll">,
  options: { readonly after?: LogPosition; readonly pageSize?: number } = {},
): Promise<StoredEvent[]> {
  const pageSize = options.pageSize ?? 1_000;
  const events: StoredEvent[] = [];
  let after = options.after ?? START;
  for (;;) {
    const page = await log.readAll({ after, limit: pageSize });
    if (page.length === 0) return events;
    events.push(...page);
    after = page.at(-1)!.position;
  }
}
