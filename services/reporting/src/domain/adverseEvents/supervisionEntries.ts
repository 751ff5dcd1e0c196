import type { ComplaintStatus } from "../complaints/complaintDecider.js";
import { FEED_ENTRY_RECORDED, type FeedJurisdiction } from "../feed/entries.js";
import type { FeedEvent } from "../feed/feedDecider.js";
import type { AdverseEventKind, ScopeKind, Severity } from "./adverseEventDecider.js";

// Feed entries of the reporting service's own facts (REP-04 categories adverse event, satisfaction, complaint),
// mirroring AdverseEventEntry, SatisfactionEntry and ComplaintEntry of proto/ihp/reporting/v1 field for field: codes
// and ids only — never a description, comment, complaint text or note. Type aliases: stored as event data.

export type AdverseEventEntry = {
  readonly adverseEventId: string;
  readonly change: "REPORTED" | "SUSPENSION_LIFTED";
  readonly kind: AdverseEventKind;
  readonly severity: Severity;
  readonly scopeKind: ScopeKind;
  readonly scopeValue: string;
  readonly suspended: boolean;
  readonly at: string;
};

export type SatisfactionEntry = {
  readonly consultId: string;
  readonly physicianId: string;
  readonly departmentCode: string;
  readonly score: number;
  readonly ratedAt: string;
};

export type ComplaintEntry = {
  readonly complaintId: string;
  readonly consultId: string;
  readonly categoryCode: string;
  readonly status: ComplaintStatus;
  readonly at: string;
  readonly late: boolean;
};

export type SupervisionEntry =
  | { readonly category: "ADVERSE_EVENT"; readonly entry: AdverseEventEntry }
  | { readonly category: "SATISFACTION"; readonly entry: SatisfactionEntry }
  | { readonly category: "COMPLAINT"; readonly entry: ComplaintEntry };

/** Where a supervision entry is routed: the institution and its jurisdiction as the feed knows it. */
export type SupervisionHeader = {
  /** The business id the platform deduplicates on, e.g. "adverse-event:<id>" or "complaint:<id>:RESOLVED". */
  readonly sourceEventId: string;
  readonly institutionId: string;
  readonly jurisdiction: FeedJurisdiction;
  readonly occurredAt: string;
};

export function supervisionFeedEvent(header: SupervisionHeader, entry: SupervisionEntry): FeedEvent {
  return { type: FEED_ENTRY_RECORDED, data: { ...header, ...entry } };
}
