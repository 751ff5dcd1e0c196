import type { Decider, DomainError } from "@ihp/eventsourcing";
import type { FeedJurisdiction } from "../feed/entries.js";
import type { FeedEvent } from "../feed/feedDecider.js";
import { isReportingId } from "../ids.js";
import { MAX_TEXT_LENGTH, supervisionError } from "./supervisionErrors.js";
import { supervisionFeedEvent } from "./supervisionEntries.js";

// REP-06: one stream per adverse event. The report and its feed entry are appended together; what a SERIOUS report
// suspends is the institution's suspension stream's business (suspensionDecider.ts).

export const ADVERSE_EVENT_KINDS = ["MEDICAL_SERVICE", "DRUG"] as const;
export const SEVERITIES = ["MILD", "MODERATE", "SERIOUS"] as const;
export const SCOPE_KINDS = ["CLINICIAN", "DRUG", "DEPARTMENT"] as const;
export type AdverseEventKind = (typeof ADVERSE_EVENT_KINDS)[number];
export type Severity = (typeof SEVERITIES)[number];
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** Which scopes fit which kind: a drug event is about a drug; a medical-service event about a clinician or a department. */
const SCOPES_OF: Record<AdverseEventKind, readonly ScopeKind[]> = {
  MEDICAL_SERVICE: ["CLINICIAN", "DEPARTMENT"],
  DRUG: ["DRUG"],
};

/** The consult the report names, as the feed recorded its start (the patient and the institution it happened at). */
export type ConsultFacts = { readonly patientId: string; readonly institutionId: string };

export type ReportAdverseEvent = {
  readonly type: "ReportAdverseEvent";
  readonly adverseEventId: string;
  readonly institutionId: string;
  /** Unchecked input. */
  readonly kind: string;
  readonly severity: string;
  readonly scopeKind: string;
  readonly scopeValue: string;
  readonly consultId: string;
  readonly description: string;
  readonly reporterId: string;
  /** A patient may report only of a consult of theirs at this institution; staff act for their own institution (checked before). */
  readonly reporterIsPatient: boolean;
  /** Undefined when no consult was named or the feed has no start of it. */
  readonly consult: ConsultFacts | undefined;
  readonly jurisdiction: FeedJurisdiction;
  readonly now: string;
};

export type AdverseEventReported = {
  readonly type: "AdverseEventReported";
  readonly data: {
    readonly adverseEventId: string;
    readonly institutionId: string;
    readonly kind: AdverseEventKind;
    readonly severity: Severity;
    readonly scopeKind: ScopeKind;
    readonly scopeValue: string;
    readonly consultId: string;
    /** The data subject whose key seals the description: the consult's patient, else the event itself. */
    readonly patientId: string;
    readonly description: string;
    readonly reporterId: string;
    readonly reportedAt: string;
    /** SERIOUS: the scope is suspended (REP-06 "stop the service at once"). */
    readonly suspends: boolean;
  };
};

export type AdverseEventStreamEvent = AdverseEventReported | FeedEvent;

export interface AdverseEventState {
  readonly reported: boolean;
}

export const adverseEventStreamId = (adverseEventId: string): string => `reporting-adverse-event-${adverseEventId}`;

const isOneOf = <T extends string>(values: readonly T[], value: string): value is T => (values as readonly string[]).includes(value);

export const adverseEventDecider: Decider<ReportAdverseEvent, AdverseEventStreamEvent, AdverseEventState> = {
  initialState: { reported: false },
  evolve: (state, event) => (event.type === "AdverseEventReported" ? { reported: true } : state),
  decide(command, state) {
    return report(command, state);
  },
};

function report(command: ReportAdverseEvent, state: AdverseEventState): readonly AdverseEventStreamEvent[] | DomainError {
  const { kind, severity, scopeKind, scopeValue } = command;
  const description = command.description.trim();
  if (!isOneOf(ADVERSE_EVENT_KINDS, kind) || !isOneOf(SEVERITIES, severity) || !isOneOf(SCOPE_KINDS, scopeKind)) {
    return supervisionError("ADVERSE_EVENT_INVALID");
  }
  if (!SCOPES_OF[kind].includes(scopeKind) || !isReportingId(scopeValue)) return supervisionError("ADVERSE_EVENT_INVALID");
  if (description === "" || description.length > MAX_TEXT_LENGTH) return supervisionError("ADVERSE_EVENT_INVALID");
  if (state.reported) return supervisionError("ADVERSE_EVENT_ALREADY_REPORTED");
  const consult = command.consult;
  if (command.consultId !== "" && consult?.institutionId !== command.institutionId) return supervisionError("ADVERSE_EVENT_CONSULT_REQUIRED");
  if (command.reporterIsPatient && consult?.patientId !== command.reporterId) return supervisionError("ADVERSE_EVENT_CONSULT_REQUIRED");
  const { adverseEventId, institutionId, consultId, reporterId, now } = command;
  const suspends = severity === "SERIOUS";
  const reported: AdverseEventReported = {
    type: "AdverseEventReported",
    data: {
      adverseEventId,
      institutionId,
      kind,
      severity,
      scopeKind,
      scopeValue,
      consultId,
      patientId: consult?.patientId ?? "",
      description,
      reporterId,
      reportedAt: now,
      suspends,
    },
  };
  const header = { sourceEventId: `adverse-event:${adverseEventId}`, institutionId, jurisdiction: command.jurisdiction, occurredAt: now };
  const entry = { adverseEventId, change: "REPORTED" as const, kind, severity, scopeKind, scopeValue, suspended: suspends, at: now };
  return [reported, supervisionFeedEvent(header, { category: "ADVERSE_EVENT", entry })];
}
