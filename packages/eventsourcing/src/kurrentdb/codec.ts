// Pure mapping between the port's events and KurrentDB records: positions, the metadata envelope, hashing.
// Type-only imports from the client, so this file (and its unit test) loads no native client code.
import type { Position } from "@kurrent/kurrentdb-client";

import { canonicalJson } from "../canonicalJson.js";
import { hashEvent } from "../hashChain.js";
import { START, type EventMetadata, type JsonObject, type LogPosition, type StoredEvent } from "../types.js";
import type { EncodedEvent } from "../validateAppend.js";

const U64 = 1n << 64n;
const LOW_64 = U64 - 1n;

/**
 * One bigint for a KurrentDB $all position: `(commit << 64) | prepare`. KurrentDB orders $all by commit position,
 * then prepare position (the events of one append can share a commit position), and both are unsigned 64-bit, so
 * the encoding is order-preserving and decodes back to the exact position a read or subscription resumes from.
 */
export function encodePosition(position: Position): LogPosition {
  const { commit, prepare } = position;
  if (commit < 0n || commit >= U64 || prepare < 0n || prepare >= U64) {
    throw new RangeError(`not a KurrentDB $all position: commit ${commit}, prepare ${prepare}`);
  }
  return (commit << 64n) | prepare;
}

export function decodePosition(position: LogPosition): Position {
  if (position < 0n || position >= U64 * U64) throw new RangeError(`not an encoded KurrentDB position: ${position}`);
  return { commit: position >> 64n, prepare: position & LOW_64 };
}

/** Marks an envelope this adapter wrote, and its format version. */
export const ENVELOPE_FORMAT = "ihp-event/1";

/**
 * What the adapter stores as a KurrentDB event's metadata: the port's metadata plus the stored fields KurrentDB has
 * no slot for. Written as canonical JSON bytes.
 */
export interface Envelope {
  readonly format: typeof ENVELOPE_FORMAT;
  readonly metadata: EventMetadata;
  readonly schemaVersion: number;
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** An event of an append, validated, with data and metadata in canonical JSON (the text that is stored and hashed). */

/** An event ready to send: its bytes, and the hash it will be stored with. */
export interface ChainedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly hash: string;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Links the events of one append into their stream's chain: the first names the stream's last hash, each later one
 * its predecessor. Positions are not known before a KurrentDB append, so the hash covers START as its position.
 */
export function chainEvents(
  streamId: string,
  firstRevision: number,
  prevHash: string,
  recordedAt: string,
  events: readonly EncodedEvent[],
): ChainedEvent[] {
  let previous = prevHash;
  return events.map((event, index) => {
    const hash = hashEvent({
      position: START,
      streamId,
      revision: firstRevision + index,
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      dataJson: event.dataJson,
      metadataJson: event.metadataJson,
      recordedAt,
      prevHash: previous,
    });
    const envelope: Envelope = {
      format: ENVELOPE_FORMAT,
      metadata: event.metadata,
      schemaVersion: event.schemaVersion,
      recordedAt,
      prevHash: previous,
      hash,
    };
    previous = hash;
    return {
      id: event.id,
      type: event.type,
      data: utf8.encode(event.dataJson),
      metadata: utf8.encode(canonicalJson(envelope)),
      hash,
    };
  });
}

/**
 * The fields of a client RecordedEvent the adapter reads. Both read paths of the client produce it: readStream and
 * readAll (Rust bridge, convertRustRecord) and subscribeToAll (gRPC, convertGrpcRecord). Binary data arrives as
 * bytes; metadata arrives already JSON.parse'd by the client when it is valid JSON, else as bytes.
 */
export interface KurrentRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  /** On stream reads only from KurrentDB (EventStoreDB) 22.6 on. */
  readonly position?: Position | undefined;
}

/** A record of the adapter's streams that is not an event this adapter wrote intact. */
export class UnreadableRecordError extends Error {
  override readonly name = "UnreadableRecordError";
  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    reason: string,
  ) {
    super(`KurrentDB event ${streamId}@${revision}: ${reason}`);
  }
}

export interface DecodedRecord {
  readonly event: StoredEvent;
  /** The stored data bytes as text: hashed exactly as stored, not re-encoded. */
  readonly dataJson: string;
  readonly metadataJson: string;
}

/** KurrentDB reserves "$"-types for its own records (e.g. "$streamDeleted", "$>" links); they are not our events. */
export function isSystemEventType(type: string): boolean {
  return type.startsWith("$");
}

const NO_POSITION = "no $all position (stream reads carry it from KurrentDB/EventStoreDB 22.6 on)";

export function decodeRecord(record: KurrentRecord): DecodedRecord {
  // Servers before 22.6 send no position on stream reads; a client may then report 0/0, which none of our events
  // can have (a new database writes KurrentDB's own records first).
  const position = encodePosition(record.position ?? unreadable(record, NO_POSITION));
  if (position === START) unreadable(record, NO_POSITION);
  const revision = Number(record.revision);
  if (!Number.isSafeInteger(revision) || revision < 0) unreadable(record, "revision out of range");
  // Written as binary on purpose (see README): a JSON-typed record was not written by this adapter.
  if (record.isJson || !(record.data instanceof Uint8Array)) unreadable(record, "data is not canonical JSON bytes");
  const dataJson = decodeText(record, record.data);
  const data = parseObject(record, dataJson);
  const envelope = parseEnvelope(record.metadata) ?? unreadable(record, `metadata is not an ${ENVELOPE_FORMAT} envelope`);
  return {
    event: {
      id: record.id,
      type: record.type,
      schemaVersion: envelope.schemaVersion,
      data,
      metadata: envelope.metadata,
      streamId: record.streamId,
      revision,
      position,
      recordedAt: envelope.recordedAt,
      prevHash: envelope.prevHash,
      hash: envelope.hash,
    },
    dataJson,
    // Exact: the canonical JSON of a JSON.parse'd canonical text is that text.
    metadataJson: canonicalJson(envelope.metadata),
  };
}

/** The hash a decoded event must carry, recomputed from what is stored (position START: see chainEvents). */
export function recomputeHash(decoded: DecodedRecord): string {
  const { event } = decoded;
  return hashEvent({
    position: START,
    streamId: event.streamId,
    revision: event.revision,
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson: decoded.dataJson,
    metadataJson: decoded.metadataJson,
    recordedAt: event.recordedAt,
    prevHash: event.prevHash,
  });
}

function unreadable(record: KurrentRecord, reason: string): never {
  throw new UnreadableRecordError(record.streamId, record.revision, reason);
}

function decodeText(record: KurrentRecord, bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return unreadable(record, "data is not UTF-8");
  }
}

function parseObject(record: KurrentRecord, text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return unreadable(record, "data is not JSON");
  }
  return isObject(value) ? (value as JsonObject) : unreadable(record, "data is not a JSON object");
}

function parseEnvelope(value: unknown): Envelope | undefined {
  if (!isObject(value) || value["format"] !== ENVELOPE_FORMAT) return undefined;
  const { metadata, schemaVersion, recordedAt, prevHash, hash } = value;
  if (!isObject(metadata)) return undefined;
  if (typeof schemaVersion !== "number" || !Number.isSafeInteger(schemaVersion)) return undefined;
  if (typeof recordedAt !== "string" || !isHash(prevHash) || !isHash(hash)) return undefined;
  return { format: ENVELOPE_FORMAT, metadata: metadata as unknown as EventMetadata, schemaVersion, recordedAt, prevHash, hash };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isHash(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}
