import { DomainError } from "./domainError.js";
import { fold, type Decider, type DomainEvent } from "./decider.js";
import { WrongExpectedRevisionError } from "./errors.js";
import type { EventStore } from "./eventStore.js";
import type { EventMetadata, NewEvent, StoredEvent } from "./types.js";

/** A command addressed to one stream, with what the adapter knows about the caller. */
export interface CommandEnvelope<Command, State = unknown> {
  readonly streamId: string;
  readonly command: Command;
  /** Who, for which tenant, in which request. occurredAt comes from `now`. */
  readonly metadata: Omit<EventMetadata, "occurredAt" | "requestId">;
  /** Client request id: repeating it returns the first result and appends nothing. */
  readonly requestId?: string;
  readonly now: Date;
  /**
   * The jurisdiction profile version the decision uses (XC-08), from the state it is decided on (e.g. the
   * institution's jurisdiction): recorded as metadata.profileVersion on every event it appends. Overrides
   * metadata.profileVersion; undefined leaves it as given.
   */
  readonly profileVersionOf?: (state: State) => string | undefined;
}

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
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const history = await store.readStream(envelope.streamId);
    const state = fold(decider, history.map(toDomain));
    if (envelope.requestId !== undefined) {
      const earlier = history.filter((event) => event.metadata.requestId === envelope.requestId);
      if (earlier.length > 0) return { events: earlier, state, repeated: true };
    }
    const decided = decider.decide(envelope.command, state);
    if (decided instanceof DomainError) throw decided;
    if (decided.length === 0) return { events: [], state, repeated: false };
    const profileVersion = envelope.profileVersionOf?.(state);
    const metadata: EventMetadata = {
      ...envelope.metadata,
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
    const last = history.at(-1);
    try {
      const appended = await store.append(envelope.streamId, events, last === undefined ? "no_stream" : last.revision);
      return { events: appended.events, state: decided.reduce((next, event) => decider.evolve(next, event), state), repeated: false };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // Another writer (another replica) won the race: wait a random few milliseconds, growing with each attempt,
      // so two writers that collided do not collide again on the immediate re-read.
      if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(80, 5 * 2 ** attempt)));
    }
  }
  throw new ConcurrencyExhaustedError(envelope.streamId, maxAttempts);
}
