import type { Decider, DomainError } from "@ihp/eventsourcing";
import { addWorkingDays, beijingDay, CN_WORKING_DAYS, type WorkingDayCalendar } from "@ihp/jurisdiction";
import {
  anomalyCaseClosed,
  anomalyCaseExists,
  anomalyCaseNotFound,
  anomalyCaseOtherInstitution,
  rectificationNoteRequired,
} from "./anomalyErrors.js";

/** Longest rectification note kept: the regulator's upload field is bounded, and a note is a summary, not a report. */
export const MAX_NOTE_LENGTH = 2_000;

export type AnomalyCommand =
  | {
      readonly type: "OpenAnomalyCase";
      readonly caseId: string;
      readonly institutionId: string;
      /** The regulator's finding code and reference; no personal data. */
      readonly findingCode: string;
      readonly findingReference: string;
      /** Beijing calendar day by which the rectification is due, counted in working days by the caller. */
      readonly dueDay: string;
      readonly now: string;
    }
  | { readonly type: "CloseAnomalyCase"; readonly caseId: string; readonly note: string; readonly actingFor: string; readonly now: string }
  | { readonly type: "FlagOverdueAnomalyCase"; readonly caseId: string; readonly today: string; readonly now: string };

export type AnomalyEvent =
  | {
      readonly type: "AnomalyCaseOpened";
      readonly data: {
        readonly caseId: string;
        readonly institutionId: string;
        readonly findingCode: string;
        readonly findingReference: string;
        readonly openedAt: string;
        readonly dueDay: string;
      };
    }
  | { readonly type: "AnomalyCaseClosed"; readonly data: { readonly caseId: string; readonly rectificationNote: string; readonly closedAt: string } }
  | { readonly type: "AnomalyCaseOverdue"; readonly data: { readonly caseId: string; readonly dueDay: string; readonly flaggedAt: string } };

export interface AnomalyState {
  readonly status: "none" | "open" | "closed";
  readonly institutionId: string;
  readonly dueDay: string;
  readonly flagged: boolean;
}

export const anomalyStreamId = (caseId: string): string => `reporting-anomaly-${caseId}`;

export const anomalyDecider: Decider<AnomalyCommand, AnomalyEvent, AnomalyState> = {
  initialState: { status: "none", institutionId: "", dueDay: "", flagged: false },
  evolve(state, event) {
    switch (event.type) {
      case "AnomalyCaseOpened":
        return { ...state, status: "open", institutionId: event.data.institutionId, dueDay: event.data.dueDay };
      case "AnomalyCaseClosed":
        return { ...state, status: "closed" };
      case "AnomalyCaseOverdue":
        return { ...state, flagged: true };
    }
  },
  decide(command, state): readonly AnomalyEvent[] | DomainError {
    switch (command.type) {
      case "OpenAnomalyCase": {
        if (state.status !== "none") return anomalyCaseExists();
        const { caseId, institutionId, findingCode, findingReference, dueDay } = command;
        return [{ type: "AnomalyCaseOpened", data: { caseId, institutionId, findingCode, findingReference, openedAt: command.now, dueDay } }];
      }
      case "CloseAnomalyCase": {
        if (state.status === "none") return anomalyCaseNotFound();
        if (command.actingFor !== state.institutionId) return anomalyCaseOtherInstitution();
        if (state.status === "closed") return anomalyCaseClosed();
        const note = command.note.trim();
        if (note === "" || note.length > MAX_NOTE_LENGTH) return rectificationNoteRequired();
        return [{ type: "AnomalyCaseClosed", data: { caseId: command.caseId, rectificationNote: note, closedAt: command.now } }];
      }
      case "FlagOverdueAnomalyCase":
        if (state.status === "none") return anomalyCaseNotFound();
        // ISO days compare as strings; due on dueDay means overdue from the next day.
        if (state.status !== "open" || state.flagged || command.today <= state.dueDay) return [];
        return [{ type: "AnomalyCaseOverdue", data: { caseId: command.caseId, dueDay: state.dueDay, flaggedAt: command.now } }];
    }
  },
};

/**
 * The Beijing day a rectification is due: the regulator's finding states its deadline in working days, counted from
 * the day after receipt on the national holiday calendar (调休 included). Throws the jurisdiction package's
 * CALENDAR_NOT_COVERED when the count runs past the calendar data (built in: 2026; later years are loaded by the
 * operator, WORKING_DAY_CALENDAR_FILE).
 */
export function anomalyDueDay(receivedAt: Date, workingDays: number, calendar: WorkingDayCalendar = CN_WORKING_DAYS): string {
  return addWorkingDays(beijingDay(receivedAt), workingDays, calendar);
}
