import { DomainError } from "./domainError.js";
import type { JsonObject } from "./types.js";

/** A domain event as the decider sees it: a past-tense type and its data. Metadata is the runtime's business. */
export interface DomainEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * Pure decision logic of one aggregate (ARCHITECTURE §10): no I/O, no clock, no randomness. Time and ids arrive in
 * the command. decide returns the new events, or a DomainError when a rule refuses the command.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): readonly Event[] | DomainError;
}

/**
 * The one way deciders are written: the rules throw their refusal (`throw refusal("CODE")`) and the decider's
 * `decide` is `refusing(decide)`, which hands a DomainError back as the value the Decider contract asks for. Anything
 * else thrown is a bug and still throws.
 */
export function refusing<Command, Event, State>(
  decide: (command: Command, state: State) => readonly Event[],
): (command: Command, state: State) => readonly Event[] | DomainError {
  return (command, state) => {
    try {
      return decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
  };
}

/** Folds events onto the decider's initial state. */
export function fold<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
