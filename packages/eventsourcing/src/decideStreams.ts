import { appendToStreams } from "./appendToStreams.js";
import { fold, type Decider, type DomainEvent } from "./decider.js";
import { DomainError } from "./domainError.js";
import { WrongExpectedRevisionError } from "./errors.js";
import type { AppendResult, EventStore, StreamAppend } from "./eventStore.js";
import { ConcurrencyExhaustedError, type HandleOptions } from "./handleCommand.js";
import type { EventMetadata, StoredEvent } from "./types.js";

/** One stream's command for decideStream: handleCommand's envelope without request ids or preparation. */
export interface StreamCommand<Command> {
  readonly streamId: string;
  readonly command: Command;
  readonly metadata: Omit<EventMetadata, "occurredAt" | "requestId">;
  readonly now: Date;
  /** The stream's last event alone is its state (as handleCommand's readLast). */
  readonly readLast?: boolean;
}

export interface StreamDecision<State> {
  /** The stream's state after the decided events. */
  readonly state: State;
  /** What to append (expecting the revision read), or undefined when the decider decided nothing. */
  readonly append: StreamAppend | undefined;
}

/**
 * read → fold → decide for one stream, without appending: a step of one change that writes several streams
 * (appendDecisions). Events are built as handleCommand builds them; a refusal throws the decider's DomainError.
 */
export async function decideStream<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  envelope: StreamCommand<Command>,
  options: Omit<HandleOptions<Event>, "maxAttempts">,
): Promise<StreamDecision<State>> {
  const toDomain = options.toDomainEvent ?? ((event: StoredEvent) => ({ type: event.type, data: event.data }) as Event);
  const history = await store.readStream(envelope.streamId, envelope.readLast === true ? { last: true } : undefined);
  const state = fold(decider, history.map(toDomain));
  const decided = decider.decide(envelope.command, state);
  if (decided instanceof DomainError) throw decided;
  const next = decided.reduce((evolved, event) => decider.evolve(evolved, event), state);
  if (decided.length === 0) return { state: next, append: undefined };
  const revision = history.at(-1)?.revision ?? -1;
  const metadata: EventMetadata = { ...envelope.metadata, occurredAt: envelope.now.toISOString() };
  const events = decided.map((event) => ({
    id: options.newEventId(),
    type: event.type,
    schemaVersion: options.schemaVersionOf?.(event.type) ?? 1,
    data: event.data,
    metadata,
  }));
  return { state: next, append: { streamId: envelope.streamId, events, expectedRevision: revision === -1 ? "no_stream" : revision } };
}

/**
 * One change decided on several streams, appended once: `decide` reads and decides (decideStream per stream) and
 * returns the parts; they are appended in one atomic commit (appendToStreams). A revision conflict on any part runs
 * `decide` again on fresh reads after a short random wait, a bounded number of times (as handleCommand), then
 * ConcurrencyExhaustedError. Nothing to append: nothing is written.
 */
export async function appendDecisions(
  store: EventStore,
  decide: () => Promise<readonly StreamAppend[]>,
  options: { readonly maxAttempts?: number } = {},
): Promise<readonly AppendResult[]> {
  const maxAttempts = options.maxAttempts ?? 5;
  let conflict = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const batch = await decide();
    if (batch.length === 0) return [];
    try {
      return await appendToStreams(store, batch);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      conflict = error.streamId;
      if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(80, 5 * 2 ** attempt)));
    }
  }
  throw new ConcurrencyExhaustedError(conflict, maxAttempts);
}
