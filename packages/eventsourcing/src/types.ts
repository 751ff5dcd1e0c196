/** JSON values as stored in events. No undefined, no bigint, no Date: canonical hashing depends on it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who did it, for which tenant, under which request and trace (ARCHITECTURE §5). */
export interface EventMetadata {
  readonly actorId: string;
  readonly actorRole: string;
  /** Institution (tenant). */
  readonly tenantId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** RFC 3339 time the fact happened, from the injected clock. */
  readonly occurredAt: string;
  /** W3C trace context of the causing request. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Jurisdiction profile version the decision used (XC-08). */
  readonly profileVersion?: string;
  /** Client request id that made the command idempotent. */
  readonly requestId?: string;
}

/** An event as a writer hands it to the store. */
export interface NewEvent {
  /** UUIDv7, unique across the log. Re-appending an id already stored adds nothing. */
  readonly id: string;
  /** Past tense, e.g. "InstitutionRegistered". */
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/**
 * Position in a service's whole log. Totally ordered, strictly increasing in commit order, and enough to resume a
 * subscription exactly. A bigint because KurrentDB positions need more than 64 bits once encoded (see the adapter).
 * `START` (0n) is before the first event.
 */
export type LogPosition = bigint;
export const START: LogPosition = 0n;

/** An event as stored: the writer's fields plus where and when it was recorded and its place in the hash chain. */
export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 0-based index of the event in its stream. */
  readonly revision: number;
  readonly position: LogPosition;
  /** RFC 3339 time the store recorded the event. */
  readonly recordedAt: string;
  /** Hash of the previous event in the chain (hex SHA-256); GENESIS_HASH for the first. */
  readonly prevHash: string;
  /** Hash of this event's canonical encoding, prevHash included (hex SHA-256). */
  readonly hash: string;
}
