import { DomainError } from "./domainError.js";
import { fold, type Decider, type DomainEvent } from "./decider.js";
import { WrongExpectedRevisionError } from "./errors.js";
import { appendToStreams } from "./appendToStreams.js";
import type { EventStore, StreamAppend } from "./eventStore.js";
import type { EventMetadata, NewEvent, StoredEvent } from "./types.js";

/**
 * Who acts, for which tenant, in which request: built once from the authenticated caller (or the bus message) and
 * carried as metadata by every event the command appends.
 */
export interface Acting {
  readonly actorId: string;
  readonly role: string;
  /** Institution (tenant). */
  readonly tenantId: string;
  readonly correlationId: string;
  readonly trace?: { readonly traceparent?: string | undefined; readonly tracestate?: string | undefined } | undefined;
}

/** The metadata of every event appended for `acting` in request `causationId` (occurredAt and requestId are added on append). */
export function metadataFor(acting: Acting, causationId: string): Omit<EventMetadata, "occurredAt" | "requestId"> {
  const { traceparent, tracestate } = acting.trace ?? {};
  return {
    actorId: acting.actorId,
    actorRole: acting.role,
    tenantId: acting.tenantId,
    correlationId: acting.correlationId,
    causationId,
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(tracestate === undefined ? {} : { tracestate }),
  };
}

/**
 * The command itself, or `prepare`: the work that must happen before deciding (remote signing, a provider call),
 * given the stream's state as read for this attempt. prepare runs only for a request id not handled before, and
 * again (with the fresh state) if a concurrent writer forced a retry; what it calls must therefore be idempotent by
 * request id (identity's signing is). A DomainError it throws refuses the command like the decider's own.
 */
export type CommandSource<Command, State> =
  | { readonly command: Command; readonly prepare?: undefined }
  | { readonly prepare: (state: State, history: readonly StoredEvent[]) => Command | Promise<Command>; readonly command?: undefined };

/** A command addressed to one stream, with what the adapter knows about the caller. */
export type CommandEnvelope<Command, State = unknown> = CommandSource<Command, State> & EnvelopeFields<State>;

interface EnvelopeFields<State> {
  readonly streamId: string;
  /**
   * Who, for which tenant, in which request. occurredAt comes from `now`. A function is resolved on the state read,
   * before a repeated request id is answered: the place for the tenant check of the object the command touches.
   */
  readonly metadata: Metadata | ((state: State) => Metadata);
  /** Client request id: repeating it returns the first result and appends nothing. */
  readonly requestId?: string;
  /**
   * The stream's last event alone is its state (each event carries all of it): the command reads only that event,
   * whatever the stream's length, and a request id is recognised only if that event recorded it.
   */
  readonly readLast?: boolean;
  /**
   * The stream as the caller has just read it (its last event alone with readLast): the first attempt decides on it
   * instead of reading the stream again. Its last revision is still the append's expected revision, so a writer that
   * got in since makes the append conflict and the next attempt reads the stream afresh: a stale read costs one retry,
   * never an overwrite.
   */
  readonly read?: readonly StoredEvent[];
  readonly now: Date;
  /**
   * The jurisdiction profile version the decision uses (XC-08), from the state it is decided on (e.g. the
   * institution's jurisdiction): recorded as metadata.profileVersion on every event it appends. Overrides
   * metadata.profileVersion; undefined leaves it as given.
   */
  readonly profileVersionOf?: (state: State) => string | undefined;
  /**
   * One change that writes other streams too: given this command's own append, the whole batch (which must contain
   * it) to write in one atomic commit (appendToStreams). Called only when the command appends; a conflict on any
   * part is retried like one on the command's stream.
   */
  readonly appendWith?: (own: StreamAppend) => readonly StreamAppend[];
}

type Metadata = Omit<EventMetadata, "occurredAt" | "requestId">;

export interface HandleOptions<Event extends DomainEvent> {
  /** Makes event ids (UUIDv7 in production). */
  readonly newEventId: () => string;
  /** Attempts on a revision conflict before giving up; default 5. */
  readonly maxAttempts?: number;
  /** Schema version per event type; default 1. */
  readonly schemaVersionOf?: (type: Event["type"]) => number;
  /** Turns a stored event into the decider's event (upcasting old schema versions); default: type and data as stored. */
  readonly toDomainEvent?: (event: StoredEvent) => Event;
}

export interface HandleResult<State> {
  /** The events this command appended, or those of its first run when `repeated`. */
  readonly events: readonly StoredEvent[];
  readonly state: State;
  /** True when the request id had already been handled: nothing was appended this time. */
  readonly repeated: boolean;
  /** The stream's revision after the command (its last event's), -1 for a stream that has none. */
  readonly revision: number;
  /** The stream as the decision saw it (whole, or its last event with readLast) plus what it appended. */
  readonly history: readonly StoredEvent[];
}

/** The command kept conflicting with concurrent writers. Transient: the caller may retry (gRPC ABORTED). */
export class ConcurrencyExhaustedError extends DomainError {
  constructor(streamId: string, attempts: number) {
    super("CONCURRENT_UPDATE", "ABORTED", `stream ${streamId} changed concurrently ${attempts} times; try again`);
  }
}

/**
 * read → fold → decide → append (ARCHITECTURE §6). A revision conflict is retried by re-reading after a short random
 * wait, a bounded number of times, never overwritten. Throws the decider's DomainError when a rule refuses the command.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  envelope: CommandEnvelope<Command, State>,
  options: HandleOptions<Event>,
): Promise<HandleResult<State>> {
  const maxAttempts = options.maxAttempts ?? 5;
  const toDomain = options.toDomainEvent ?? ((event: StoredEvent) => ({ type: event.type, data: event.data }) as Event);
  const readLast = envelope.readLast === true;
  if (envelope.read?.some((event) => event.streamId !== envelope.streamId) === true) throw new Error(`events read from another stream given for ${envelope.streamId}`);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const given = attempt === 1 ? envelope.read : undefined;
    const history =
      given === undefined ? await store.readStream(envelope.streamId, readLast ? { last: true } : undefined) : readLast ? given.slice(-1) : given;
    const state = fold(decider, history.map(toDomain));
    const revision = history.at(-1)?.revision ?? -1;
    const who = typeof envelope.metadata === "function" ? envelope.metadata(state) : envelope.metadata;
    if (envelope.requestId !== undefined) {
      const earlier = history.filter((event) => event.metadata.requestId === envelope.requestId);
      if (earlier.length > 0) return { events: earlier, state, repeated: true, revision, history };
    }
    const command = envelope.prepare === undefined ? envelope.command : await envelope.prepare(state, history);
    const decided = decider.decide(command, state);
    if (decided instanceof DomainError) throw decided;
    if (decided.length === 0) return { events: [], state, repeated: false, revision, history };
    const profileVersion = envelope.profileVersionOf?.(state);
    const metadata: EventMetadata = {
      ...who,
      ...(profileVersion === undefined ? {} : { profileVersion }),
      occurredAt: envelope.now.toISOString(),
      ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }),
    };
    const events: NewEvent[] = decided.map((event) => ({
      id: options.newEventId(),
      type: event.type,
      schemaVersion: options.schemaVersionOf?.(event.type) ?? 1,
      data: event.data,
      metadata,
    }));
    try {
      const own: StreamAppend = { streamId: envelope.streamId, events, expectedRevision: revision === -1 ? "no_stream" : revision };
      const batch = envelope.appendWith?.(own);
      const appended = batch === undefined ? await store.append(own.streamId, own.events, own.expectedRevision) : (await appendToStreams(store, batch))[batch.indexOf(own)]!;
      return {
        events: appended.events,
        state: decided.reduce((next, event) => decider.evolve(next, event), state),
        repeated: false,
        revision: appended.events.at(-1)?.revision ?? revision,
        history: [...history, ...appended.events],
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // Another writer (another replica) won the race: wait a random few milliseconds, growing with each attempt,
      // so two writers that collided do not collide again on the immediate re-read.
      if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(80, 5 * 2 ** attempt)));
    }
  }
  throw new ConcurrencyExhaustedError(envelope.streamId, maxAttempts);
}

/** One stream's command run: who acts (metadata built once), when, and the command or its async preparation. */
export type CommandRun<Command, State> = CommandSource<Command, State> & {
  readonly streamId: string;
  /**
   * Who acts. A function is resolved on the state as read, before anything else (a repeated request id included):
   * it checks the caller may act on this object (its tenant, its patient) and throws the refusal when not.
   */
  readonly acting: Acting | ((state: State) => Acting);
  /** The client's request id (or the bus message's id): the idempotency key, and every event's causation id. */
  readonly requestId: string;
  readonly now: Date;
  /** XC-08: the profile version the decision uses, from the state it is decided on. */
  readonly profileVersionOf?: ((state: State) => string | undefined) | undefined;
  /** The stream as the caller has just read it: decided on without reading it again (see CommandEnvelope.read). */
  readonly read?: readonly StoredEvent[] | undefined;
};

/**
 * The one command pipeline of a service's aggregate: `run` reads the stream once (or takes it as the caller read it), answers a repeated request id
 * with its first result, prepares (when asked), decides and appends with metadata built from `acting`.
 */
export function commandPipeline<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  options: HandleOptions<Event>,
): (run: CommandRun<Command, State>) => Promise<HandleResult<State>> {
  return (run) => {
    const { acting } = run;
    const fields: EnvelopeFields<State> = {
      streamId: run.streamId,
      metadata: typeof acting === "function" ? (state: State) => metadataFor(acting(state), run.requestId) : metadataFor(acting, run.requestId),
      requestId: run.requestId,
      now: run.now,
      ...(run.profileVersionOf === undefined ? {} : { profileVersionOf: run.profileVersionOf }),
      ...(run.read === undefined ? {} : { read: run.read }),
    };
    return handleCommand(store, decider, run.prepare === undefined ? { ...fields, command: run.command } : { ...fields, prepare: run.prepare }, options);
  };
}
