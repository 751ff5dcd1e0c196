import { sharedCounter, type Logger, type MetricsRegistry } from "@ihp/platform";
import { isDue } from "../../domain/delivery/ackLedger.js";
import { nightlyCutoff, retryDelayMs, type RetryPolicy } from "../../domain/delivery/schedule.js";
import type { DeliveryLedger, TrackedMessage } from "./deliveryLedger.js";
import { type DeliveryOutcome, type RegulatorAdapter, RegulatorUnreachable } from "./regulatorAdapter.js";

/** What one round did: messages sent, acknowledged, failed, parked. */
export interface DeliveryRound {
  readonly sent: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly deadLettered: number;
}

export interface DeliveryWorkerOptions {
  readonly ledger: DeliveryLedger;
  readonly adapter: RegulatorAdapter;
  readonly policy: RetryPolicy;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** At most this many messages per round (one request for JSON push and batch). */
  readonly batchSize: number;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly registry?: MetricsRegistry | undefined;
}

export const WORKER_ACTOR = "reporting-delivery";

/**
 * Delivers one jurisdiction's messages through its adapter (REP-04). Each round: read the log, take the due messages
 * (not acknowledged, not dead lettered, past their next attempt; for a batch adapter, facts before the night's
 * cutoff), record each as sent, deliver, record each answer — acknowledged with the regulator's serial, or failed
 * with the next attempt after a jittered exponential wait, parked in the dead letter after maxAttempts with an alert.
 * Never two rounds at once.
 */
export function deliveryWorker(options: DeliveryWorkerOptions) {
  const { ledger, adapter, policy, clock, logger, batchSize } = options;
  const random = options.random ?? Math.random;
  const deadLetters = options.registry === undefined
    ? undefined
    : sharedCounter(options.registry, { name: "ihp_regulator_dead_letters_total", help: "Regulator messages parked in the dead letter (REP-04)", labelNames: ["jurisdiction"] as const });
  let running: Promise<unknown> = Promise.resolve();

  function due(now: Date): TrackedMessage[] {
    const cutoff = adapter.mode === "batch" ? nightlyCutoff(now).getTime() : undefined;
    return ledger
      .all()
      .filter((tracked) => isDue(tracked.state, now) && (cutoff === undefined || Date.parse(tracked.message.occurredAt) < cutoff))
      .slice(0, batchSize);
  }

  async function settle(tracked: TrackedMessage, outcome: DeliveryOutcome | undefined, round: { acknowledged: number; failed: number; deadLettered: number }) {
    const ids = { messageId: tracked.message.messageId, jurisdiction: ledger.jurisdiction };
    const at = clock();
    if (outcome?.ok === true) {
      const { events } = await ledger.record(tracked, { type: "RecordAck", ids, serial: outcome.serial, at: at.toISOString() }, WORKER_ACTOR);
      round.acknowledged += events.length;
      return;
    }
    const reason = outcome === undefined ? "NO_ACK" : outcome.reason;
    const nextAttemptAt = new Date(at.getTime() + retryDelayMs(policy, tracked.state.attempts, random())).toISOString();
    const command = { type: "RecordFailure", ids, reason, at: at.toISOString(), nextAttemptAt, maxAttempts: policy.maxAttempts } as const;
    const { events } = await ledger.record(tracked, command, WORKER_ACTOR);
    round.failed += 1;
    if (events.some((event) => event.type === "RegulatorMessageDeadLettered")) {
      round.deadLettered += 1;
      deadLetters?.inc({ jurisdiction: ledger.jurisdiction });
      // Ids and codes only: the message body never reaches a log.
      logger.error({ code: "REGULATOR_MESSAGE_DEAD_LETTERED", messageId: ids.messageId, jurisdiction: ids.jurisdiction, attempts: tracked.state.attempts, reason }, "regulator message parked in the dead letter");
    }
  }

  async function round(): Promise<DeliveryRound> {
    await ledger.catchUp();
    const now = clock();
    const sent: TrackedMessage[] = [];
    for (const tracked of due(now)) {
      const { message } = tracked;
      const command = { type: "RecordSend", ids: { messageId: message.messageId, jurisdiction: ledger.jurisdiction }, businessId: message.businessId, adapter: adapter.name, at: now.toISOString() } as const;
      const { refused } = await ledger.record(tracked, command, WORKER_ACTOR);
      if (refused === undefined) sent.push(tracked);
    }
    const totals = { sent: sent.length, acknowledged: 0, failed: 0, deadLettered: 0 };
    if (sent.length === 0) return totals;
    let outcomes: readonly DeliveryOutcome[];
    try {
      outcomes = await adapter.deliver(sent.map((tracked) => tracked.message), now);
    } catch (error) {
      if (!(error instanceof RegulatorUnreachable)) throw error;
      outcomes = sent.map((tracked) => ({ messageId: tracked.message.messageId, ok: false, reason: error.code }));
    }
    // The first answer per message counts; a duplicate ack in the same answer changes nothing.
    const answers = new Map<string, DeliveryOutcome>();
    for (const outcome of outcomes) if (!answers.has(outcome.messageId)) answers.set(outcome.messageId, outcome);
    for (const tracked of sent) await settle(tracked, answers.get(tracked.message.messageId), totals);
    return totals;
  }

  return {
    /** One delivery round now (the service's timer runs them every REGULATOR_DELIVERY_INTERVAL_MS). */
    runOnce(): Promise<DeliveryRound> {
      const next = running.then(round);
      running = next.catch(() => undefined);
      return next;
    },
  };
}

