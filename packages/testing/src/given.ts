import { DomainError, fold, type Decider, type DomainEvent } from "@ihp/eventsourcing";
import { expect } from "vitest";

/**
 * Decider tests read as the rule: given(these events) .when(this command) .then(these events | this error code).
 * Runs the pure decider only: no store, no clock.
 */
export function given<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  history: readonly Event[] = [],
) {
  return {
    when(command: Command) {
      const outcome = decider.decide(command, fold(decider, history));
      return {
        /** The decider returned exactly these events. */
        then(expected: readonly Event[]): void {
          if (outcome instanceof DomainError) throw new Error(`expected events, got ${outcome.code}: ${outcome.message}`);
          expect(outcome).toEqual(expected);
        },
        /** The decider accepted the command and recorded nothing (an idempotent no-op). */
        thenNothingHappened(): void {
          if (outcome instanceof DomainError) throw new Error(`expected no events, got ${outcome.code}: ${outcome.message}`);
          expect(outcome).toEqual([]);
        },
        /** The decider refused with this stable code (and rule id, when given). */
        thenError(code: string, ruleId?: string): DomainError {
          expect(outcome).toBeInstanceOf(DomainError);
          const error = outcome as DomainError;
          expect(error.code).toBe(code);
          if (ruleId !== undefined) expect(error.ruleId).toBe(ruleId);
          return error;
        },
      };
    },
  };
}
