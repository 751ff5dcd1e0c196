import { DuplicateEventIdError } from "../errors.js";
import type { AppendResult } from "../eventStore.js";
import type { StoredEvent } from "../types.js";

/**
 * The port's idempotency, decided on the whole stream as read just before the append: every id already stored is a
 * repeat (a retry after a lost reply) and returns what was stored; some stored is an error, never a partial write.
 * KurrentDB's own id check is not relied on: it is best effort (a cache of recent ids) and only looks right after
 * the expected revision.
 */
export function findRepeat(
  streamId: string,
  stored: readonly StoredEvent[],
  ids: readonly string[],
): AppendResult | undefined {
  const byId = new Map(stored.map((event) => [event.id, event]));
  const found = ids.flatMap((id) => byId.get(id) ?? []);
  if (found.length === 0) return undefined;
  if (found.length < ids.length) {
    throw new DuplicateEventIdError(streamId, found[0]?.id ?? "");
  }
  return { events: found, nextExpectedRevision: lastRevision(stored), duplicate: true };
}

/** Revision of the stream's last event, -1 for none (the port's "actual"). */
export function lastRevision(stored: readonly StoredEvent[]): number {
  return stored.at(-1)?.revision ?? -1;
}
