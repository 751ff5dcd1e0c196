import { canonicalJson } from "./canonicalJson.js";
import { InvalidAppendError } from "./errors.js";
import type { ExpectedRevision, StreamAppend } from "./eventStore.js";
import type { EventMetadata, JsonObject, NewEvent } from "./types.js";

/** An event ready to store: its data and metadata already in canonical JSON, the text that is stored and hashed. */
export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** The writer's own objects; what is stored and hashed is their canonical JSON below. */
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly dataJson: string;
  readonly metadataJson: string;
}

/** What an adapter refuses on top of the port's rules (a stream prefix, a form of id, reserved types …). */
export interface AdapterRules {
  /** Throws InvalidAppendError for a stream id this adapter cannot store. */
  readonly checkStreamId?: (streamId: string) => void;
  /** Throws InvalidAppendError for an event this adapter cannot store. */
  readonly checkEvent?: (event: NewEvent) => void;
}

const MAX_NAME = 200;

/**
 * The port's rules for an append, in one place for every adapter: checks the arguments and encodes the events;
 * throws InvalidAppendError with a plain reason, before anything is written.
 */
export function validateAppend(
  streamId: string,
  events: readonly NewEvent[],
  expectedRevision: ExpectedRevision,
  rules: AdapterRules = {},
): EncodedEvent[] {
  if (typeof streamId !== "string" || streamId.length === 0 || streamId.length > MAX_NAME) {
    throw new InvalidAppendError(`stream id must be 1–${MAX_NAME} characters`);
  }
  rules.checkStreamId?.(streamId);
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
    if (typeof event.id !== "string" || event.id.length === 0 || event.id.length > MAX_NAME) {
      throw new InvalidAppendError(`event id must be 1–${MAX_NAME} characters`);
    }
    if (ids.has(event.id)) throw new InvalidAppendError(`event id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (typeof event.type !== "string" || event.type.length === 0 || event.type.length > MAX_NAME) {
      throw new InvalidAppendError(`event ${event.id}: type must be 1–${MAX_NAME} characters`);
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
    rules.checkEvent?.(event);
    try {
      return {
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
        dataJson: canonicalJson(event.data),
        metadataJson: canonicalJson(event.metadata),
      };
    } catch (error) {
      throw new InvalidAppendError(`event ${event.id}: ${(error as Error).message}`);
    }
  });
}

/** One stream's part of a multi-stream append, validated and encoded. */
export interface EncodedStreamAppend {
  readonly streamId: string;
  readonly events: EncodedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/**
 * validateAppend for each part of an appendMany, plus the batch's own rules: at least one part, each stream once,
 * each event id once in the whole batch.
 */
export function validateAppendMany(batch: readonly StreamAppend[], rules: AdapterRules = {}): EncodedStreamAppend[] {
  const parts: unknown = batch;
  if (!Array.isArray(parts) || parts.length === 0) throw new InvalidAppendError("a multi-stream append needs at least one stream");
  const streams = new Set<string>();
  const ids = new Set<string>();
  return batch.map(({ streamId, events, expectedRevision }) => {
    const encoded = validateAppend(streamId, events, expectedRevision, rules);
    if (streams.has(streamId)) throw new InvalidAppendError(`stream ${streamId} appears twice in one multi-stream append`);
    streams.add(streamId);
    for (const { id } of encoded) {
      if (ids.has(id)) throw new InvalidAppendError(`event id ${id} appears twice in one multi-stream append`);
      ids.add(id);
    }
    return { streamId, events: encoded, expectedRevision };
  });
}

/** readAll's page size as given: a whole number ≥ 0 (a caller without types could leave it out: no silent default). */
export function requireReadLimit(limit: unknown): number {
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 0) throw new RangeError("readAll: limit must be a whole number ≥ 0");
  return limit;
}
