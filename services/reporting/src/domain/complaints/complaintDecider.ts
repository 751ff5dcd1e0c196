import type { Decider, DomainError } from "@ihp/eventsourcing";
import { supervisionFeedEvent } from "../adverseEvents/supervisionEntries.js";
import { MAX_TEXT_LENGTH, supervisionError } from "../adverseEvents/supervisionErrors.js";
import type { FeedJurisdiction } from "../feed/entries.js";
import type { FeedEvent } from "../feed/feedDecider.js";
import type { FinishedConsultFacts } from "./finishedConsult.js";

// REP-04 complaints: filed by the consult's patient; handled by the institution (received → investigating →
// resolved or rejected, the last two with a note). Each status change is fed with whether it came after its
// deadline; the text and notes are sealed and never fed.

export const COMPLAINT_CATEGORIES = ["SERVICE_ATTITUDE", "WAITING_TIME", "MEDICAL_QUALITY", "PRESCRIPTION", "PRIVACY", "OTHER"] as const;
export type ComplaintStatus = "RECEIVED" | "INVESTIGATING" | "RESOLVED" | "REJECTED";

/** The next statuses each status allows. */
const NEXT: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  RECEIVED: ["INVESTIGATING"],
  INVESTIGATING: ["RESOLVED", "REJECTED"],
  RESOLVED: [],
  REJECTED: [],
};

export type ComplaintCommand =
  | {
      readonly type: "FileComplaint";
      readonly complaintId: string;
      readonly consultId: string;
      readonly categoryCode: string;
      readonly text: string;
      readonly complainantId: string;
      readonly consult: FinishedConsultFacts | undefined;
      /** Beijing calendar days (YYYY-MM-DD), counted in working days by the application from its settings. */
      readonly acknowledgeBy: string;
      readonly resolveBy: string;
      readonly jurisdiction: FeedJurisdiction;
      readonly now: string;
    }
  | {
      readonly type: "AdvanceComplaint";
      readonly complaintId: string;
      /** Unchecked input. */
      readonly status: string;
      readonly note: string;
      readonly handlerId: string;
      readonly actingFor: string;
      /** Beijing calendar day of `now`, for lateness. */
      readonly today: string;
      readonly jurisdiction: FeedJurisdiction;
      readonly now: string;
    }
  | { readonly type: "FlagOverdueComplaint"; readonly complaintId: string; readonly today: string; readonly now: string };

export type ComplaintReceived = {
  readonly type: "ComplaintReceived";
  readonly data: {
    readonly complaintId: string;
    readonly consultId: string;
    readonly institutionId: string;
    readonly patientId: string;
    readonly categoryCode: string;
    readonly text: string;
    readonly receivedAt: string;
    readonly acknowledgeBy: string;
    readonly resolveBy: string;
  };
};

export type ComplaintStatusChanged = {
  readonly type: "ComplaintStatusChanged";
  readonly data: {
    readonly complaintId: string;
    readonly patientId: string;
    readonly status: ComplaintStatus;
    readonly note: string;
    readonly handlerId: string;
    readonly at: string;
    readonly late: boolean;
  };
};

/** A deadline passed with the complaint still short of it: handling not started (ACKNOWLEDGE) or not closed (RESOLVE). */
export type ComplaintOverdue = {
  readonly type: "ComplaintOverdue";
  readonly data: { readonly complaintId: string; readonly stage: "ACKNOWLEDGE" | "RESOLVE"; readonly dueDay: string; readonly flaggedAt: string };
};

export type ComplaintEvent = ComplaintReceived | ComplaintStatusChanged | ComplaintOverdue | FeedEvent;

export interface ComplaintState {
  readonly received: ComplaintReceived["data"] | undefined;
  readonly status: ComplaintStatus | undefined;
  /** Alerted once per stage: a repeated check adds nothing. */
  readonly flagged: readonly ComplaintOverdue["data"]["stage"][];
}

export const complaintStreamId = (complaintId: string): string => `reporting-complaint-${complaintId}`;

export const complaintDecider: Decider<ComplaintCommand, ComplaintEvent, ComplaintState> = {
  initialState: { received: undefined, status: undefined, flagged: [] },
  evolve(state, event) {
    switch (event.type) {
      case "ComplaintReceived":
        return { ...state, received: event.data, status: "RECEIVED" };
      case "ComplaintStatusChanged":
        return { ...state, status: event.data.status };
      case "ComplaintOverdue":
        return { ...state, flagged: [...state.flagged, event.data.stage] };
      case "FeedEntryRecorded":
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case "FileComplaint":
        return file(command, state);
      case "AdvanceComplaint":
        return advance(command, state);
      case "FlagOverdueComplaint":
        return flagOverdue(command, state);
    }
  },
};

function file(command: Extract<ComplaintCommand, { type: "FileComplaint" }>, state: ComplaintState): readonly ComplaintEvent[] | DomainError {
  const text = command.text.trim();
  const known = (COMPLAINT_CATEGORIES as readonly string[]).includes(command.categoryCode);
  if (!known || text === "" || text.length > MAX_TEXT_LENGTH) return supervisionError("COMPLAINT_INVALID");
  const consult = command.consult;
  if (consult === undefined || !consult.finished || consult.patientId !== command.complainantId) return supervisionError("CONSULT_NOT_FINISHED");
  if (state.received !== undefined) return supervisionError("COMPLAINT_ALREADY_FILED");
  const { complaintId, consultId, categoryCode, acknowledgeBy, resolveBy, now } = command;
  const { institutionId, patientId } = consult;
  const received = { complaintId, consultId, institutionId, patientId, categoryCode, text, receivedAt: now, acknowledgeBy, resolveBy };
  const header = { sourceEventId: `complaint:${complaintId}:RECEIVED`, institutionId, jurisdiction: command.jurisdiction, occurredAt: now };
  const entry = { complaintId, consultId, categoryCode, status: "RECEIVED" as const, at: now, late: false };
  return [{ type: "ComplaintReceived", data: received }, supervisionFeedEvent(header, { category: "COMPLAINT", entry })];
}

function advance(command: Extract<ComplaintCommand, { type: "AdvanceComplaint" }>, state: ComplaintState): readonly ComplaintEvent[] | DomainError {
  const received = state.received;
  // Another institution's complaint is answered as unknown: its existence is not the caller's business.
  if (received === undefined || state.status === undefined || received.institutionId !== command.actingFor) return supervisionError("COMPLAINT_NOT_FOUND");
  const status = NEXT[state.status].find((next) => next === command.status);
  if (status === undefined) return supervisionError("COMPLAINT_TRANSITION_NOT_ALLOWED");
  const note = command.note.trim();
  if ((status !== "INVESTIGATING" && note === "") || note.length > MAX_TEXT_LENGTH) return supervisionError("COMPLAINT_NOTE_REQUIRED");
  const { complaintId, handlerId, now, today } = command;
  const late = today > (status === "INVESTIGATING" ? received.acknowledgeBy : received.resolveBy);
  const header = { sourceEventId: `complaint:${complaintId}:${status}`, institutionId: received.institutionId, jurisdiction: command.jurisdiction, occurredAt: now };
  const entry = { complaintId, consultId: received.consultId, categoryCode: received.categoryCode, status, at: now, late };
  return [
    { type: "ComplaintStatusChanged", data: { complaintId, patientId: received.patientId, status, note, handlerId, at: now, late } },
    supervisionFeedEvent(header, { category: "COMPLAINT", entry }),
  ];
}

function flagOverdue(command: Extract<ComplaintCommand, { type: "FlagOverdueComplaint" }>, state: ComplaintState): readonly ComplaintEvent[] {
  const { received, status } = state;
  if (received === undefined || status === "RESOLVED" || status === "REJECTED") return [];
  const due = [
    { stage: "ACKNOWLEDGE" as const, dueDay: received.acknowledgeBy, open: status === "RECEIVED" },
    { stage: "RESOLVE" as const, dueDay: received.resolveBy, open: true },
  ];
  return due
    .filter((d) => d.open && command.today > d.dueDay && !state.flagged.includes(d.stage))
    .map((d) => ({ type: "ComplaintOverdue" as const, data: { complaintId: command.complaintId, stage: d.stage, dueDay: d.dueDay, flaggedAt: command.now } }));
}
