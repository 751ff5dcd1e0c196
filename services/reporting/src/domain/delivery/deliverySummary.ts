import type { LedgerState } from "./ackLedger.js";
import type { RegulatorMessage } from "./regulatorMessage.js";
import { isUploadOverdue, type UploadKind, uploadKindOf } from "./uploadDeadline.js";

// REP-04 / REP-02: where deliveries to a regulator stand for one scope (a jurisdiction or an institution), as the
// supervision dashboard shows them. Pure: the caller passes the ledger's messages, the time and the REP-02 due day.

/** A message of the scope and its ledger state; recordedAt is when the feed entry was created in our log. */
export interface SummaryInput {
  readonly message: RegulatorMessage;
  readonly recordedAt: string;
  readonly state: LedgerState;
}

export interface PendingUpload {
  readonly kind: UploadKind;
  /** The institution (licence) or the practitioner (staff record). */
  readonly subjectId: string;
  readonly institutionId: string;
  readonly changedAt: string;
  readonly dueOn: string;
  readonly overdue: boolean;
}

export interface DeliverySummary {
  readonly asOf: string;
  /** Not acknowledged yet, dead letter included. */
  readonly unacknowledged: number;
  readonly deadLettered: number;
  readonly oldestUnacknowledgedAt: string | undefined;
  /** Median seconds from an entry's creation to its acknowledgement, over acknowledgements of the last 24 h. */
  readonly ackLagMedianSeconds: number | undefined;
  /** REP-02: licence and staff uploads the regulator has not acknowledged, oldest first. */
  readonly pendingUploads: readonly PendingUpload[];
}

export const ACK_LAG_WINDOW_MS = 24 * 3_600_000;

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function subjectOf(message: RegulatorMessage): string {
  const practitioner = message.body["practitionerId"];
  return message.type === "STAFF_RECORD" && typeof practitioner === "string" ? practitioner : message.institutionId;
}

/** The REP-02 due day of an upload changed at that time in that jurisdiction (may throw CALENDAR_NOT_COVERED). */
export type UploadDueOn = (changedAt: Date, jurisdiction: string) => string;

export function summarizeDelivery(inputs: readonly SummaryInput[], now: Date, dueOn: UploadDueOn): DeliverySummary {
  let unacknowledged = 0;
  let deadLettered = 0;
  let oldest: string | undefined;
  const lags: number[] = [];
  const pendingUploads: PendingUpload[] = [];
  for (const { message, recordedAt, state } of inputs) {
    if (state.status === "ACKNOWLEDGED") {
      const ackedAt = state.acknowledgedAt === undefined ? Number.NaN : Date.parse(state.acknowledgedAt);
      if (ackedAt <= now.getTime() && now.getTime() - ackedAt <= ACK_LAG_WINDOW_MS) lags.push(Math.max(0, (ackedAt - Date.parse(recordedAt)) / 1_000));
      continue;
    }
    unacknowledged += 1;
    if (state.status === "DEAD_LETTERED") deadLettered += 1;
    if (oldest === undefined || message.occurredAt < oldest) oldest = message.occurredAt;
    const kind = uploadKindOf(message.type);
    if (kind === undefined) continue;
    const due = dueOn(new Date(message.occurredAt), message.jurisdiction);
    pendingUploads.push({ kind, subjectId: subjectOf(message), institutionId: message.institutionId, changedAt: message.occurredAt, dueOn: due, overdue: isUploadOverdue(due, now) });
  }
  pendingUploads.sort((a, b) => (a.changedAt < b.changedAt ? -1 : a.changedAt > b.changedAt ? 1 : 0));
  return { asOf: now.toISOString(), unacknowledged, deadLettered, oldestUnacknowledgedAt: oldest, ackLagMedianSeconds: median(lags), pendingUploads };
}
