import { refusing, type Decider } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type { PasskeyUsed } from "./events.js";
import { counterAdvances } from "./passkeys.js";

/** Records the counter a verified passkey step-up presented, on the credential's own stream. */
export interface RecordPasskeyUse {
  readonly type: "RecordPasskeyUse";
  readonly subjectId: string;
  readonly credentialId: string;
  readonly counter: number;
  readonly sessionId: string;
  readonly stepUpId: string;
  readonly at: Date;
}

/** The counter last recorded (the registration's before any use) and the step-up that recorded it. */
export type PasskeyCounterState = { readonly counter: number; readonly stepUpId: string | undefined };

/**
 * IDN-03: a passkey's signature counter (stream identity-passkey-<credentialId>). Each event carries the whole state,
 * so the decision reads only the stream's last event, however often the passkey was used. A counter that does not move
 * forward past what any earlier step-up recorded shows a cloned authenticator (WebAuthn §6.1.1); an authenticator
 * without a counter (always 0) records nothing.
 */
export const passkeyCounterDecider: Decider<RecordPasskeyUse, PasskeyUsed, PasskeyCounterState> = {
  initialState: { counter: 0, stepUpId: undefined },
  evolve: (_state, event) => ({ counter: event.data.counter, stepUpId: event.data.stepUpId }),
  decide: refusing((command: RecordPasskeyUse, state: PasskeyCounterState): PasskeyUsed[] => {
    if (state.stepUpId === command.stepUpId) return [];
    if (!counterAdvances(state.counter, command.counter)) throw refusal("WEBAUTHN_COUNTER_REGRESSED");
    if (command.counter === 0) return [];
    const { subjectId, credentialId, counter, sessionId, stepUpId } = command;
    return [{ type: "PasskeyUsed", data: { subjectId, credentialId, counter, sessionId, stepUpId, at: command.at.toISOString() } }];
  }),
};
