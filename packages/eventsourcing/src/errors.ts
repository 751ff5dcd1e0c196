import type { ExpectedRevision } from "./eventStore.js";

/** Another writer appended to the stream first. Re-read and decide again. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = "WrongExpectedRevisionError";
  readonly code = "WRONG_EXPECTED_REVISION";
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or -1 when the stream has none. */
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`);
  }
}

/** Some, not all, of the appended event ids are already stored, or stored in another stream. */
export class DuplicateEventIdError extends Error {
  override readonly name = "DuplicateEventIdError";
  readonly code = "DUPLICATE_EVENT_ID";
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`stream ${streamId}: event id ${eventId} is already stored with different neighbours or in another stream`);
  }
}

/** The store was closed; no more appends or reads. */
export class StoreClosedError extends Error {
  override readonly name = "StoreClosedError";
  readonly code = "STORE_CLOSED";
  constructor() {
    super("event store is closed");
  }
}

/** An argument the store cannot accept (empty stream id, non-JSON data, bad id …). */
export class InvalidAppendError extends Error {
  override readonly name = "InvalidAppendError";
  readonly code = "INVALID_APPEND";
}

/**
 * The store cannot append to several streams atomically (KurrentDB: see its README). Thrown by appendMany before
 * anything is written; appendToStreams then appends stream by stream, as before appendMany existed.
 */
export class MultiStreamAppendUnsupportedError extends Error {
  override readonly name = "MultiStreamAppendUnsupportedError";
  readonly code = "MULTI_STREAM_APPEND_UNSUPPORTED";
  constructor(readonly store: string) {
    super(`${store} cannot append to several streams atomically`);
  }
}
