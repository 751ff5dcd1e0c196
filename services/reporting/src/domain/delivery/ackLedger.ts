import { type Decider, DomainError, type DomainEvent } from "@ihp/eventsourcing";

// REP-04 ack ledger: one stream per message and regulator, folded from this service's log, so the state of every
// delivery is replayable and as tamper-evident as the rest of the log. Events carry ids, codes and times only.

export const LEDGER_EVENT_TYPES = [
  "RegulatorMessageSent",
  "RegulatorMessageAcknowledged",
  "RegulatorDeliveryFailed",
  "RegulatorMessageDeadLettered",
  "RegulatorMessageReplayRequested",
] as const;

type Ids = { readonly messageId: string; readonly jurisdiction: string };

export type LedgerEvent =
  | DomainEvent<"RegulatorMessageSent", Ids & { readonly businessId: string; readonly adapter: string; readonly attempt: number; readonly sentAt: string }>
  | DomainEvent<"RegulatorMessageAcknowledged", Ids & { readonly serial: string; readonly attempt: number; readonly acknowledgedAt: string }>
  | DomainEvent<"RegulatorDeliveryFailed", Ids & { readonly attempt: number; readonly reason: string; readonly nextAttemptAt: string }>
  | DomainEvent<"RegulatorMessageDeadLettered", Ids & { readonly attempts: number; readonly reason: string; readonly at: string }>
  | DomainEvent<"RegulatorMessageReplayRequested", Ids & { readonly requestedBy: string; readonly at: string }>;

export type LedgerStatus = "NEW" | "SENT" | "FAILED" | "ACKNOWLEDGED" | "DEAD_LETTERED";

export interface LedgerState {
  readonly status: LedgerStatus;
  /** Attempts since the message was new or last replayed. */
  readonly attempts: number;
  readonly serial: string | undefined;
  /** When a failed message may be tried again (RFC 3339); undefined: at once. */
  readonly nextAttemptAt: string | undefined;
  /** When the last attempt went out (a pulled message not acknowledged in time counts as failed). */
  readonly sentAt: string | undefined;
  /** When the regulator's acknowledgement was recorded (the delivery lag ends there). */
  readonly acknowledgedAt?: string | undefined;
}

export type LedgerCommand =
  | { readonly type: "RecordSend"; readonly ids: Ids; readonly businessId: string; readonly adapter: string; readonly at: string }
  | { readonly type: "RecordAck"; readonly ids: Ids; readonly serial: string; readonly at: string }
  | { readonly type: "RecordFailure"; readonly ids: Ids; readonly reason: string; readonly at: string; readonly nextAttemptAt: string; readonly maxAttempts: number }
  | { readonly type: "RequestReplay"; readonly ids: Ids; readonly requestedBy: string; readonly at: string };

export const INITIAL_LEDGER_STATE: LedgerState = { status: "NEW", attempts: 0, serial: undefined, nextAttemptAt: undefined, sentAt: undefined };

/** Ledger stream of one message (by its feed event id) to one jurisdiction's regulator. */
export function ledgerStreamId(jurisdiction: string, eventId: string): string {
  return `reporting-regulator-${jurisdiction}-${eventId}`;
}

function refusal(code: string, message: string): DomainError {
  return new DomainError(code, "FAILED_PRECONDITION", message, "REP-04");
}

export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case "RegulatorMessageSent":
      return { ...state, status: "SENT", attempts: event.data.attempt, nextAttemptAt: undefined, sentAt: event.data.sentAt };
    case "RegulatorMessageAcknowledged":
      return { ...state, status: "ACKNOWLEDGED", serial: event.data.serial, nextAttemptAt: undefined, acknowledgedAt: event.data.acknowledgedAt };
    case "RegulatorDeliveryFailed":
      return { ...state, status: "FAILED", nextAttemptAt: event.data.nextAttemptAt };
    case "RegulatorMessageDeadLettered":
      return { ...state, status: "DEAD_LETTERED", nextAttemptAt: undefined };
    case "RegulatorMessageReplayRequested":
      return { ...state, status: "FAILED", attempts: 0, nextAttemptAt: undefined };
  }
}

/**
 * Sent → acknowledged (with the regulator's serial) or failed (retry count, next attempt) → after maxAttempts dead
 * lettered → replayed on demand. An acknowledgement is final: a second one (a duplicate ack, or the answer to a
 * resend the regulator deduplicated) changes nothing, so a message is acknowledged once in effect.
 */
export const ackLedgerDecider: Decider<LedgerCommand, LedgerEvent, LedgerState> = {
  initialState: INITIAL_LEDGER_STATE,
  evolve: evolveLedger,
  decide(command, state) {
    const { ids } = command;
    switch (command.type) {
      case "RecordSend": {
        if (state.status === "ACKNOWLEDGED") return refusal("REGULATOR_MESSAGE_ACKNOWLEDGED", "The regulator has already acknowledged this message.");
        if (state.status === "DEAD_LETTERED") return refusal("REGULATOR_MESSAGE_DEAD_LETTERED", "The message is in the dead letter; replay it first.");
        const data = { ...ids, businessId: command.businessId, adapter: command.adapter, attempt: state.attempts + 1, sentAt: command.at };
        return [{ type: "RegulatorMessageSent", data }];
      }
      case "RecordAck": {
        if (state.status === "ACKNOWLEDGED") return [];
        if (command.serial === "") return refusal("REGULATOR_SERIAL_MISSING", "The regulator's acknowledgement carries no serial number.");
        return [{ type: "RegulatorMessageAcknowledged", data: { ...ids, serial: command.serial, attempt: state.attempts, acknowledgedAt: command.at } }];
      }
      case "RecordFailure": {
        if (state.status !== "SENT") return [];
        const failed: LedgerEvent = { type: "RegulatorDeliveryFailed", data: { ...ids, attempt: state.attempts, reason: command.reason, nextAttemptAt: command.nextAttemptAt } };
        if (state.attempts < command.maxAttempts) return [failed];
        return [failed, { type: "RegulatorMessageDeadLettered", data: { ...ids, attempts: state.attempts, reason: command.reason, at: command.at } }];
      }
      case "RequestReplay": {
        if (state.status === "ACKNOWLEDGED") return refusal("REGULATOR_MESSAGE_ACKNOWLEDGED", "The regulator has already acknowledged this message.");
        if (state.status !== "DEAD_LETTERED") return [];
        return [{ type: "RegulatorMessageReplayRequested", data: { ...ids, requestedBy: command.requestedBy, at: command.at } }];
      }
    }
  },
};

/** Whether a message still has to reach its regulator at this time. */
export function isDue(state: LedgerState, now: Date): boolean {
  if (state.status === "ACKNOWLEDGED" || state.status === "DEAD_LETTERED") return false;
  // A message marked sent whose outcome was never recorded (the process stopped mid-send) is sent again: the
  // regulator deduplicates on the business id and answers with the serial it gave the first time.
  return state.nextAttemptAt === undefined || Date.parse(state.nextAttemptAt) <= now.getTime();
}
