import { canonicalJson } from "../canonicalJson.js";
import { InvalidAppendError } from "../errors.js";
import type { ExpectedRevision } from "../eventStore.js";
import type { NewEvent } from "../types.js";
import { isSystemEventType, type EncodedEvent } from "./codec.js";

const MAX_NAME = 200;
/**
 * KurrentDB event ids are UUIDs and come back in lowercase canonical text. The hash covers the id as given, so only
 * that form round-trips; uuidv7() writes it.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks an append against the port's rules and this store's prefix, and encodes its events. */
export function prepareAppend(
  streamPrefix: string,
  streamId: string,
  events: readonly NewEvent[],
  expectedRevision: ExpectedRevision,
): EncodedEvent[] {
  if (typeof streamId !== "string" || streamId.length > MAX_NAME) {
    throw new InvalidAppendError(`stream id must be at most ${MAX_NAME} characters`);
  }
  if (!streamId.startsWith(streamPrefix) || streamId.length === streamPrefix.length) {
    throw new InvalidAppendError(`stream id ${JSON.stringify(streamId)} is not under this store's prefix ${streamPrefix}`);
  }
  if (
    expectedRevision !== "no_stream" &&
    expectedRevision !== "any" &&
    !(Number.isSafeInteger(expectedRevision) && expectedRevision >= 0)
  ) {
    throw new InvalidAppendError(`expected revision must be a non-negative integer, "no_stream" or "any"`);
  }
  if (events.length === 0) throw new InvalidAppendError("an append needs at least one event");
  const ids = new Set<string>();
  return events.map((event) => {
    if (typeof event.id !== "string" || !UUID.test(event.id)) {
      throw new InvalidAppendError(`event id ${String(event.id)} is not a lowercase UUID`);
    }
    if (ids.has(event.id)) throw new InvalidAppendError(`event id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (typeof event.type !== "string" || event.type.length === 0 || event.type.length > MAX_NAME) {
      throw new InvalidAppendError(`event ${event.id}: type must be 1–${MAX_NAME} characters`);
    }
    if (isSystemEventType(event.type)) {
      throw new InvalidAppendError(`event ${event.id}: types starting with "$" are KurrentDB's`);
    }
    if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
      throw new InvalidAppendError(`event ${event.id}: schemaVersion must be a positive integer`);
    }
    if (typeof event.data !== "object" || event.data === null || Array.isArray(event.data)) {
      throw new InvalidAppendError(`event ${event.id}: data must be a JSON object`);
    }
    if (typeof event.metadata !== "object" || event.metadata === null || Array.isArray(event.metadata)) {
      throw new InvalidAppendError(`event ${event.id}: metadata is required`);
    }
    try {
      return {
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        metadata: event.metadata,
        dataJson: canonicalJson(event.data),
        metadataJson: canonicalJson(event.metadata),
      };
    } catch (error) {
      throw new InvalidAppendError(`event ${event.id}: ${(error as Error).message}`);
    }
  });
}
