import {
  ConcurrencyExhaustedError,
  type EventMetadata,
  type EventStore,
  fold,
  handleCommand,
  type HandleResult,
  type NewEvent,
  type StoredEvent,
  WrongExpectedRevisionError,
} from "@ihp/eventsourcing";
import { beijingMonth, monthStart, previousMonth } from "../domain/dates.js";
import {
  carriedOver,
  EMPTY_ROSTER,
  isRosterEventType,
  type RosterCommand,
  rosterDecider,
  type RosterEvent,
  type RosterPeriodOpenedData,
  type RosterState,
} from "../domain/roster/index.js";
import { legacyRosterStreamId, rosterPeriodStreamId } from "./ids.js";

/**
 * How far back opening a month looks for the last books kept (one read per month nobody touched). Every check opens
 * the month it runs in, and the service checks every few minutes, so months are skipped only by a roster nobody
 * looked at; one untouched for longer than this starts again from the unsplit stream.
 */
export const MAX_QUIET_MONTHS = 36;
/** How many closed books a command recorded late (its clock still in an earlier month) follows to the open ones. */
const MAX_MOVES = 12;
/** Attempts to close the previous books while other writers keep appending to them. */
const MAX_CLOSE_ATTEMPTS = 5;

type Who = Omit<EventMetadata, "occurredAt" | "requestId">;

export interface Run {
  readonly who: Who;
  readonly requestId: string;
  /** When the command is recorded: its Beijing month names the books. */
  readonly now: Date;
}

export interface RosterBooks {
  /** The books of the month of `at` as stored; `open` is false when they have not been opened yet or were closed. */
  current(institutionId: string, at: Date): Promise<{ readonly state: RosterState; readonly open: boolean }>;
  /** Decides and records a command in the books of its month, opening them first when they are new. */
  execute(institutionId: string, command: RosterCommand, run: Run): Promise<HandleResult<RosterState>>;
}

export function toRosterEvent(event: StoredEvent): RosterEvent {
  if (!isRosterEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as RosterEvent;
}

/** The books a command found closed: recorded in those named instead. */
class BooksClosed extends Error {
  constructor(readonly next: string) {
    super(`the roster's books were closed into ${next}`);
  }
}

/**
 * PHA-06, "closing the books": the roster of an institution is kept in one stream per Beijing month. The first
 * command or check of a month opens it with what still matters from the last books (shifts not yet ended, an open
 * gap alert) and closes those, so no check reads more than a month. Closing appends RosterPeriodClosed at the
 * revision read, so a writer that read the old books before (a clock still in the old month) conflicts, re-reads,
 * finds them closed and moves to the new ones: nothing recorded late is left behind. Two openers of one month are
 * safe: both close into the same month (the second finds it done), both carry the same state, and the opening is
 * appended with "no_stream", so the loser re-reads the opened month and decides there.
 */
export function rosterBooks(store: EventStore, newEventId: () => string): RosterBooks {
  async function current(institutionId: string, at: Date) {
    const history = await store.readStream(rosterPeriodStreamId(institutionId, beijingMonth(at)));
    const state = fold(rosterDecider, history.map(toRosterEvent));
    return { state, open: history.length > 0 && state.closedInto === undefined };
  }

  async function execute(institutionId: string, command: RosterCommand, run: Run) {
    let period = beijingMonth(run.now);
    for (let moves = 0; ; moves++) {
      const opening = period;
      try {
        return await handleCommand(
          store,
          rosterDecider,
          {
            streamId: rosterPeriodStreamId(institutionId, opening),
            prepare: async (state, history) => {
              if (state.closedInto !== undefined) throw new BooksClosed(state.closedInto);
              return history.length > 0 ? command : { ...command, opening: await open(institutionId, opening, run) };
            },
            metadata: run.who,
            requestId: run.requestId,
            now: run.now,
          },
          { newEventId, toDomainEvent: toRosterEvent },
        );
      } catch (error) {
        if (!(error instanceof BooksClosed) || moves === MAX_MOVES) throw error;
        period = error.next;
      }
    }
  }

  /** What `period`'s books open with, once the last books before them are closed into them. */
  async function open(institutionId: string, period: string, run: Run): Promise<RosterPeriodOpenedData> {
    const start = monthStart(period);
    const books = await lastBooksBefore(institutionId, period);
    if (books === undefined) return carriedOver(EMPTY_ROSTER, { period, start, carriedFrom: "" });
    let history = books.history;
    for (let attempt = 1; ; attempt++) {
      const state = fold(rosterDecider, history.map(toRosterEvent));
      const closedInto = state.closedInto ?? "";
      if (closedInto > period) throw new BooksClosed(closedInto);
      try {
        if (closedInto !== period) await store.append(books.streamId, [closing(period, run)], history.at(-1)?.revision ?? "no_stream");
        return carriedOver(state, { period, start, carriedFrom: books.streamId });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt === MAX_CLOSE_ATTEMPTS) throw new ConcurrencyExhaustedError(books.streamId, attempt);
        history = await store.readStream(books.streamId);
      }
    }
  }

  /** The most recent earlier month with books (a quiet roster may skip months), else the unsplit stream of before. */
  async function lastBooksBefore(institutionId: string, period: string) {
    let month = period;
    for (let step = 0; step < MAX_QUIET_MONTHS; step++) {
      month = previousMonth(month);
      const streamId = rosterPeriodStreamId(institutionId, month);
      const history = await store.readStream(streamId);
      if (history.length > 0) return { streamId, history };
    }
    const streamId = legacyRosterStreamId(institutionId);
    const history = await store.readStream(streamId);
    return history.length > 0 ? { streamId, history } : undefined;
  }

  function closing(next: string, run: Run): NewEvent {
    return { id: newEventId(), type: "RosterPeriodClosed", schemaVersion: 1, data: { next }, metadata: { ...run.who, occurredAt: run.now.toISOString() } };
  }

  return { current, execute };
}
