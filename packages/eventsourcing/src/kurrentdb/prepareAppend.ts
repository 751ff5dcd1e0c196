import { InvalidAppendError } from "../errors.js";
import type { ExpectedRevision, StreamAppend } from "../eventStore.js";
import type { NewEvent } from "../types.js";
import { validateAppend, validateAppendMany, type AdapterRules, type EncodedEvent, type EncodedStreamAppend } from "../validateAppend.js";
import { isSystemEventType } from "./codec.js";

/**
 * KurrentDB event ids are UUIDs and come back in lowercase canonical text. The hash covers the id as given, so only
 * that form round-trips; uuidv7() writes it.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The port's rules (validateAppend) plus this store's: its stream prefix, UUID ids, no "$" system types. */
export function prepareAppend(
  streamPrefix: string,
  streamId: string,
  events: readonly NewEvent[],
  expectedRevision: ExpectedRevision,
): EncodedEvent[] {
  return validateAppend(streamId, events, expectedRevision, rules(streamPrefix));
}

/** The same for each part of an appendMany, plus the batch's own rules (validateAppendMany). */
export function prepareAppendMany(streamPrefix: string, batch: readonly StreamAppend[]): EncodedStreamAppend[] {
  return validateAppendMany(batch, rules(streamPrefix));
}

function rules(streamPrefix: string): AdapterRules {
  return {
    checkStreamId: (id) => {
      if (!id.startsWith(streamPrefix) || id.length === streamPrefix.length) {
        throw new InvalidAppendError(`stream id ${JSON.stringify(id)} is not under this store's prefix ${streamPrefix}`);
      }
    },
    checkEvent: (event) => {
      if (!UUID.test(event.id)) throw new InvalidAppendError(`event id ${event.id} is not a lowercase UUID`);
      if (isSystemEventType(event.type)) {
        throw new InvalidAppendError(`event ${event.id}: types starting with "$" are KurrentDB's`);
      }
    },
  };
}
