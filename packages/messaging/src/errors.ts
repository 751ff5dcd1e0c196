/** publish or consume on a bus that was closed. */
export class BusClosedError extends Error {
  override readonly name = "BusClosedError";
  readonly code = "BUS_CLOSED";
  constructor() {
    super("bus is closed");
  }
}

/** A second consume() on a durable that is already running in this process. */
export class DurableInUseError extends Error {
  override readonly name = "DurableInUseError";
  readonly code = "DURABLE_IN_USE";
  constructor(readonly durable: string) {
    super(`durable consumer ${durable} is already running`);
  }
}

/** No JetStream stream stores a subject a consumer asked for: provision streams first (ensureStreams). */
export class NoStreamForSubjectError extends Error {
  override readonly name = "NoStreamForSubjectError";
  readonly code = "NO_STREAM_FOR_SUBJECT";
  constructor(readonly subject: string) {
    super(`no JetStream stream stores subject ${subject}`);
  }
}

/** A bus message that does not hold the EventEnvelope the relay writes, or holds another message's. */
export class InvalidEnvelopeError extends Error {
  override readonly name = "InvalidEnvelopeError";
  readonly code = "INVALID_ENVELOPE";
}
