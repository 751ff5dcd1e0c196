import { type Decider, type DomainEvent, refusing } from "@ihp/eventsourcing";
import { parseInstant } from "../dates.js";
import { refusal } from "../errors.js";
import { isSafeId } from "../prescription/rules.js";
import { reviewCoverage } from "./coverage.js";
import type { BusinessHours, Shift } from "./types.js";

export interface ScheduleShift {
  readonly type: "ScheduleShift";
  readonly shiftId: string;
  readonly pharmacistId: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

export interface CancelShift {
  readonly type: "CancelShift";
  readonly shiftId: string;
}

/** Checks coverage at `at`; records the alert once per gap and its end (PHA-06). */
export interface CheckReviewCoverage {
  readonly type: "CheckReviewCoverage";
  readonly hours: BusinessHours;
  readonly at: Date;
}

export type RosterCommand = ScheduleShift | CancelShift | CheckReviewCoverage;

export type ShiftScheduled = DomainEvent<"ShiftScheduled", Shift>;
export type ShiftCancelled = DomainEvent<"ShiftCancelled", { readonly shiftId: string }>;
export type ReviewCoverageGapDetected = DomainEvent<
  "ReviewCoverageGapDetected",
  { readonly detectedAt: string; readonly expectedReviewAt: string }
>;
export type ReviewCoverageRestored = DomainEvent<"ReviewCoverageRestored", { readonly restoredAt: string }>;
export type RosterEvent = ShiftScheduled | ShiftCancelled | ReviewCoverageGapDetected | ReviewCoverageRestored;

export const ROSTER_EVENT_TYPES: ReadonlySet<string> = new Set<RosterEvent["type"]>([
  "ShiftScheduled",
  "ShiftCancelled",
  "ReviewCoverageGapDetected",
  "ReviewCoverageRestored",
]);

export function isRosterEventType(type: string): type is RosterEvent["type"] {
  return ROSTER_EVENT_TYPES.has(type);
}

export interface RosterState {
  readonly shifts: readonly Shift[];
  /** A gap alert is open (raised, not yet restored). */
  readonly gapOpen: boolean;
}

export const EMPTY_ROSTER: RosterState = { shifts: [], gapOpen: false };

const DAY_MS = 24 * 60 * 60 * 1000;

function schedule(command: ScheduleShift, state: RosterState): readonly RosterEvent[] {
  const starts = parseInstant(command.startsAt);
  const ends = parseInstant(command.endsAt);
  if (!isSafeId(command.pharmacistId) || starts === undefined || ends === undefined) throw refusal("INVALID_SHIFT");
  const length = ends.getTime() - starts.getTime();
  if (length <= 0 || length > DAY_MS) throw refusal("INVALID_SHIFT");
  // Shift ids come from request ids, so a repeat lands here only by another path: nothing new.
  if (state.shifts.some((shift) => shift.shiftId === command.shiftId)) return [];
  const shift: Shift = {
    shiftId: command.shiftId,
    pharmacistId: command.pharmacistId,
    startsAt: starts.toISOString(),
    endsAt: ends.toISOString(),
  };
  return [{ type: "ShiftScheduled", data: shift }];
}

function cancel(command: CancelShift, state: RosterState): readonly RosterEvent[] {
  if (!state.shifts.some((shift) => shift.shiftId === command.shiftId)) throw refusal("SHIFT_NOT_FOUND");
  return [{ type: "ShiftCancelled", data: { shiftId: command.shiftId } }];
}

function check(command: CheckReviewCoverage, state: RosterState): readonly RosterEvent[] {
  const coverage = reviewCoverage(state.shifts, command.hours, command.at);
  const at = command.at.toISOString();
  if (coverage.gap && !state.gapOpen) {
    return [{ type: "ReviewCoverageGapDetected", data: { detectedAt: at, expectedReviewAt: coverage.expectedReviewAt ?? "" } }];
  }
  if (!coverage.gap && state.gapOpen) return [{ type: "ReviewCoverageRestored", data: { restoredAt: at } }];
  return [];
}

/** The review roster of one institution (stream pharmacy-roster-<institutionId>), PHA-06. */
export const rosterDecider: Decider<RosterCommand, RosterEvent, RosterState> = {
  initialState: EMPTY_ROSTER,
  evolve(state, event) {
    switch (event.type) {
      case "ShiftScheduled":
        return { ...state, shifts: [...state.shifts, event.data] };
      case "ShiftCancelled":
        return { ...state, shifts: state.shifts.filter((shift) => shift.shiftId !== event.data.shiftId) };
      case "ReviewCoverageGapDetected":
        return { ...state, gapOpen: true };
      case "ReviewCoverageRestored":
        return { ...state, gapOpen: false };
    }
  },
  decide: refusing((command, state) => {
    switch (command.type) {
      case "ScheduleShift":
        return schedule(command, state);
      case "CancelShift":
        return cancel(command, state);
      case "CheckReviewCoverage":
        return check(command, state);
    }
  }),
};
