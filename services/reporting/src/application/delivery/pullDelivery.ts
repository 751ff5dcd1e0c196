import { isDue } from "../../domain/delivery/ackLedger.js";
import type { RegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { retryDelayMs, type RetryPolicy } from "../../domain/delivery/schedule.js";
import type { DeliveryLedger, TrackedMessage } from "./deliveryLedger.js";

export const PULL_ACTOR = "reporting-delivery-pull";

export interface PullOptions {
  readonly ledger: DeliveryLedger;
  readonly policy: RetryPolicy;
  readonly clock: () => Date;
  /** How long a fetched message may wait for its acknowledgement before it counts as failed and is offered again. */
  readonly ackWaitMs: number;
  readonly random?: () => number;
}

export interface AckInput {
  readonly messageId: string;
  readonly serial: string;
}

/** What an acknowledgement call did: acknowledged now, already acknowledged before, and ids this regulator was never sent. */
export interface AckSummary {
  readonly acknowledged: number;
  readonly repeated: number;
  readonly unknown: number;
}

/**
 * A pull channel (REP-04: the regulator fetches from us, e.g. Fujian's style). Each fetch first fails the messages
 * whose acknowledgement did not come within ackWaitMs (retry count, dead letter after maxAttempts, as for push),
 * then hands out the due ones, each recorded as sent. The regulator acknowledges with its serial numbers.
 */
export function pullDelivery(options: PullOptions) {
  const { ledger, policy, clock, ackWaitMs } = options;
  const random = options.random ?? Math.random;

  function unanswered(tracked: TrackedMessage, now: Date): boolean {
    return tracked.state.status === "SENT" && tracked.state.sentAt !== undefined && Date.parse(tracked.state.sentAt) + ackWaitMs <= now.getTime();
  }

  return {
    /** Up to `limit` messages for the regulator, each now recorded as sent (attempt n). */
    async fetch(limit: number): Promise<readonly RegulatorMessage[]> {
      await ledger.catchUp();
      const now = clock();
      for (const tracked of ledger.all().filter((candidate) => unanswered(candidate, now))) {
        const nextAttemptAt = new Date(now.getTime() + retryDelayMs(policy, tracked.state.attempts, random())).toISOString();
        const ids = { messageId: tracked.message.messageId, jurisdiction: ledger.jurisdiction };
        await ledger.record(tracked, { type: "RecordFailure", ids, reason: "ACK_TIMEOUT", at: now.toISOString(), nextAttemptAt, maxAttempts: policy.maxAttempts }, PULL_ACTOR);
      }
      const handedOut: RegulatorMessage[] = [];
      for (const tracked of ledger.all()) {
        if (handedOut.length >= limit) break;
        if (tracked.state.status === "SENT" || !isDue(tracked.state, now)) continue;
        const { message } = tracked;
        const command = { type: "RecordSend", ids: { messageId: message.messageId, jurisdiction: ledger.jurisdiction }, businessId: message.businessId, adapter: "pull", at: now.toISOString() } as const;
        const { refused } = await ledger.record(tracked, command, PULL_ACTOR);
        if (refused === undefined) handedOut.push(message);
      }
      return handedOut;
    },

    /** Records the regulator's serial numbers; a repeat of an acknowledgement changes nothing. */
    async acknowledge(acks: readonly AckInput[]): Promise<AckSummary> {
      await ledger.catchUp();
      const summary = { acknowledged: 0, repeated: 0, unknown: 0 };
      for (const ack of acks) {
        const tracked = ledger.get(ack.messageId);
        if (tracked === undefined || tracked.state.status === "NEW") {
          summary.unknown += 1;
          continue;
        }
        const ids = { messageId: ack.messageId, jurisdiction: ledger.jurisdiction };
        const { events, refused } = await ledger.record(tracked, { type: "RecordAck", ids, serial: ack.serial, at: clock().toISOString() }, PULL_ACTOR);
        if (events.length > 0) summary.acknowledged += 1;
        else if (refused === undefined) summary.repeated += 1;
        else summary.unknown += 1;
      }
      return summary;
    },
  };
}

/**
 * Replay on demand (an operator's command): every message of this regulator parked in the dead letter gets a
 * RegulatorMessageReplayRequested and is delivered again from the start of its retry schedule. The messages
 * themselves come from the feed entries in the log, so nothing but the ledger is needed to resend them.
 */
export async function replayDeadLetters(ledger: DeliveryLedger, requestedBy: string, clock: () => Date, include: (message: RegulatorMessage) => boolean = () => true): Promise<number> {
  await ledger.catchUp();
  let replayed = 0;
  for (const tracked of ledger.all().filter((candidate) => candidate.state.status === "DEAD_LETTERED" && include(candidate.message))) {
    const ids = { messageId: tracked.message.messageId, jurisdiction: ledger.jurisdiction };
    const { events } = await ledger.record(tracked, { type: "RequestReplay", ids, requestedBy, at: clock().toISOString() }, requestedBy);
    replayed += events.length;
  }
  return replayed;
}
