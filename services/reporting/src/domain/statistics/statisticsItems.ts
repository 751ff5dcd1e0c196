import { beijingDay } from "@ihp/jurisdiction";
import type { FeedEntryRecordedData } from "../feed/entries.js";

// REP-04 supervision statistics: what one feed entry counts for. The statistics read model keeps one row per counted
// fact (a consult, an issued prescription, a review, a termination, an adverse event, a complaint), with the Beijing
// day and institution it belongs to, so that any range's counts, medians and 90th percentiles are exact. Codes and
// ids of facts only: no patient, clinician, text or drug.

export type StatisticsItemKind = "CONSULT" | "ISSUED" | "REVIEWED" | "TERMINATED" | "ADVERSE_EVENT" | "COMPLAINT";

export interface StatisticsItem {
  /** Unique per counted fact; a fact reported again (a redelivery, a later status) lands on the same row. */
  readonly key: string;
  readonly kind: StatisticsItemKind;
  readonly institutionId: string;
  readonly jurisdiction: string;
  /** Beijing day (YYYY-MM-DD) the fact counts for. */
  readonly day: string;
  /** CONSULT: consult type; REVIEWED: APPROVED | RETURNED | REJECTED; TERMINATED: reason; ADVERSE_EVENT: severity; COMPLAINT: status. */
  readonly code: string;
  /** CONSULT: department code; REVIEWED: reason code; TERMINATED: "REFERRED" when referred offline, else "". */
  readonly detail: string;
  /** RFC 3339 time of the fact. */
  readonly at: string;
  /** REVIEWED: the key of the ISSUED item the review answers (the turnaround runs from its time). */
  readonly since?: string | undefined;
  /**
   * A later fact about an item already counted (a complaint's new status): only code and at change; the day and
   * institution stay those of the first fact. Absent: the first fact.
   */
  readonly update?: boolean;
}

const issuedKey = (prescriptionId: string, serialNumber: string): string => `issued:${prescriptionId}:${serialNumber}`;

/** The Beijing day of an RFC 3339 time; "" when it is not one (such a fact is not counted). */
export function dayOf(at: string): string {
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? "" : beijingDay(time);
}

/** "REVIEW_OUTCOME_APPROVED" → "APPROVED" (the pharmacy contract's enum names); unknown outcomes as they are. */
function outcomeName(outcome: string): string {
  return outcome.startsWith("REVIEW_OUTCOME_") ? outcome.slice("REVIEW_OUTCOME_".length) : outcome;
}

/** What a feed entry counts for: none, or one item. Entries without a readable time count for nothing. */
export function statisticsItemOf(data: FeedEntryRecordedData): StatisticsItem | undefined {
  const base = { institutionId: data.institutionId, jurisdiction: data.jurisdiction };
  const item = ((): Omit<StatisticsItem, "institutionId" | "jurisdiction" | "day"> | undefined => {
    switch (data.category) {
      case "CONSULT":
        if (data.kind === "STARTED") {
          const { consultId, consultType, departmentCode, startedAt } = data.entry;
          return { key: `consult:${consultId}`, kind: "CONSULT", code: consultType, detail: departmentCode, at: startedAt };
        }
        if (data.kind === "TERMINATED") {
          const { consultId, reasonCode, referredOffline, terminatedAt } = data.entry;
          return { key: `terminated:${consultId}`, kind: "TERMINATED", code: reasonCode, detail: referredOffline ? "REFERRED" : "", at: terminatedAt };
        }
        return undefined;
      case "PRESCRIPTION":
        if (data.kind !== "SIGNED") return undefined;
        // Signed: the source event's time (the entry's issuedOn is a day only).
        return { key: issuedKey(data.entry.prescriptionId, data.entry.serialNumber), kind: "ISSUED", code: "", detail: "", at: data.occurredAt };
      case "PRESCRIPTION_REVIEW": {
        const { prescriptionId, serialNumber, outcome, reasonCode, reviewedAt } = data.entry;
        const since = issuedKey(prescriptionId, serialNumber);
        return { key: `reviewed:${prescriptionId}:${serialNumber}`, kind: "REVIEWED", code: outcomeName(outcome), detail: reasonCode, at: reviewedAt, since };
      }
      case "ADVERSE_EVENT": {
        // A lifted suspension is a later fact about the same event, not a new event.
        if (data.entry.change !== "REPORTED") return undefined;
        const { adverseEventId, severity, at } = data.entry;
        return { key: `adverse:${adverseEventId}`, kind: "ADVERSE_EVENT", code: severity, detail: "", at };
      }
      case "COMPLAINT": {
        const { complaintId, status, at } = data.entry;
        return { key: `complaint:${complaintId}`, kind: "COMPLAINT", code: status, detail: "", at, update: status !== "RECEIVED" };
      }
      default:
        return undefined;
    }
  })();
  if (item === undefined) return undefined;
  const day = dayOf(item.at);
  return day === "" ? undefined : { ...item, ...base, day };
}
