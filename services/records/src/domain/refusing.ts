import { DomainError } from "@ihp/eventsourcing";

/**
 * The rules of this domain throw their refusal; the Decider contract wants it returned. Wraps a decide function so
 * that a DomainError comes back as a value and anything else (a bug) still throws.
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
