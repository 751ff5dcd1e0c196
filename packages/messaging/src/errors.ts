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

/** A ConsumerSpec whose concurrency is not a positive integer: a programming error, refused at consume(). */
export class InvalidConcurrencyError extends TypeError {
  override readonly name = "InvalidConcurrencyError";
  readonly code = "INVALID_CONCURRENCY";
  constructor(
    readonly durable: string,
    readonly concurrency: number,
  ) {
    super(`consumer ${durable}: concurrency must be a positive integer, got ${String(concurrency)}`);
  }
}
