import { DomainError, type EventStore, handleCommand, type LogPosition, START, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import {
  ackLedgerDecider,
  evolveLedger,
  INITIAL_LEDGER_STATE,
  LEDGER_EVENT_TYPES,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerState,
  ledgerStreamId,
} from "../../domain/delivery/ackLedger.js";
import { namesTestAccount, type RegulatorMessage, toRegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { feedRecordOf } from "../feedQueries.js";
import { RectificationSource } from "./rectifications.js";

/** A message to this channel's regulator and where its delivery stands. */
export interface TrackedMessage {
  readonly message: RegulatorMessage;
  /** When the feed entry (or the fact sent back) was recorded in our log: the delivery lag starts there. */
  readonly recordedAt: string;
  state: LedgerState;
}

export interface DeliveryStatus {
  readonly pending: number;
  readonly awaitingAck: number;
  readonly failed: number;
  readonly acknowledged: number;
  readonly deadLettered: number;
  readonly withheld: number;
  readonly oldestUnacknowledgedAt: string | undefined;
}

const LEDGER_TYPES: ReadonlySet<string> = new Set(LEDGER_EVENT_TYPES);
const READ_BATCH = 1_000;

/**
 * One jurisdiction's view of the ack ledger, folded from reporting's log: every feed entry for that regulator (test
 * accounts withheld), the rectifications of closed anomaly cases (REP-05) and the ledger events about them. Built from the start of the log when the service starts, so
 * a restart — or a new replica — resumes exactly where the log says, without a separate store.
 */
export class DeliveryLedger {
  private after: LogPosition = START;
  private readonly messages = new Map<string, TrackedMessage>();
  private withheldCount = 0;
  private readonly rectifications = new RectificationSource();

  constructor(
    private readonly store: EventStore,
    readonly jurisdiction: string,
    private readonly testAccounts: ReadonlySet<string>,
    private readonly clock: () => Date,
  ) {}

  /** Messages for this regulator held back because they name a test or demo account. */
  get withheld(): number {
    return this.withheldCount;
  }

  /**
   * Counts by state and the oldest fact not yet acknowledged (the delivery lag), as of the last catch-up; of the
   * messages `include` keeps (default all). Withheld messages are counted for the whole channel.
   */
  status(include: (message: RegulatorMessage) => boolean = () => true): DeliveryStatus {
    const counts = { pending: 0, awaitingAck: 0, failed: 0, acknowledged: 0, deadLettered: 0 };
    let oldest: string | undefined;
    for (const { message, state } of this.messages.values()) {
      if (!include(message)) continue;
      const key = ({ NEW: "pending", SENT: "awaitingAck", FAILED: "failed", ACKNOWLEDGED: "acknowledged", DEAD_LETTERED: "deadLettered" } as const)[state.status];
      counts[key] += 1;
      if (state.status !== "ACKNOWLEDGED" && (oldest === undefined || message.occurredAt < oldest)) oldest = message.occurredAt;
    }
    return { ...counts, withheld: this.withheldCount, oldestUnacknowledgedAt: oldest };
  }

  all(): readonly TrackedMessage[] {
    return [...this.messages.values()];
  }

  get(messageId: string): TrackedMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Reads the log from where the last call stopped. */
  async catchUp(): Promise<void> {
    for (;;) {
      const events = await this.store.readAll({ after: this.after, limit: READ_BATCH });
      for (const event of events) this.take(event);
      const last = events.at(-1);
      if (last !== undefined) this.after = last.position;
      if (events.length < READ_BATCH) return;
    }
  }

  private take(event: StoredEvent): void {
    const record = feedRecordOf(event);
    if (record !== undefined) {
      this.rectifications.noteFeedRecord(record);
      this.track(event, toRegulatorMessage(event.id, record.data));
      return;
    }
    const rectification = this.rectifications.take(event);
    if (rectification !== undefined) {
      this.track(event, rectification);
      return;
    }
    if (!LEDGER_TYPES.has(event.type)) return;
    const ledgerEvent = { type: event.type, data: event.data } as unknown as LedgerEvent;
    if (ledgerEvent.data.jurisdiction !== this.jurisdiction) return;
    const tracked = this.messages.get(ledgerEvent.data.messageId);
    if (tracked !== undefined) tracked.state = evolveLedger(tracked.state, ledgerEvent);
  }

  private track(event: StoredEvent, message: RegulatorMessage): void {
    // A national channel takes every message (also those whose jurisdiction the feed does not know).
    if (this.jurisdiction !== "national" && message.jurisdiction !== this.jurisdiction) return;
    if (namesTestAccount(message, this.testAccounts)) {
      this.withheldCount += 1;
      return;
    }
    if (!this.messages.has(message.messageId)) this.messages.set(message.messageId, { message, recordedAt: event.recordedAt, state: INITIAL_LEDGER_STATE });
  }

  /**
   * Appends the ledger's decision on one message and reads it back. A refusal (e.g. another replica acknowledged it
   * first) comes back as its code, with nothing written.
   */
  async record(tracked: TrackedMessage, command: LedgerCommand, actor: string): Promise<{ readonly events: readonly StoredEvent[]; readonly refused?: string }> {
    const now = this.clock();
    const correlationId = uuidv7(now.getTime());
    const metadata = { actorId: actor, actorRole: "system", tenantId: tracked.message.institutionId, correlationId, causationId: tracked.message.eventId };
    try {
      const result = await handleCommand(
        this.store,
        ackLedgerDecider,
        { streamId: ledgerStreamId(this.jurisdiction, tracked.message.eventId), command, metadata, now },
        { newEventId: () => uuidv7(this.clock().getTime()) },
      );
      // The log is the only truth: fold what was just appended (and whatever else arrived) the ordinary way.
      await this.catchUp();
      return { events: result.events };
    } catch (error) {
      if (error instanceof DomainError && error.kind !== "ABORTED") return { events: [], refused: error.code };
      throw error;
    }
  }
}
