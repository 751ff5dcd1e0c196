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

/**
 * The command, with, on a period stream that has no event yet, the state carried over from the books before (the
 * application reads them): decide records the opening first, then decides on the opened state.
 */
export type RosterCommand = (ScheduleShift | CancelShift | CheckReviewCoverage) & { readonly opening?: RosterPeriodOpenedData | undefined };

export type ShiftScheduled = DomainEvent<"ShiftScheduled", Shift>;
export type ShiftCancelled = DomainEvent<"ShiftCancelled", { readonly shiftId: string }>;
export type ReviewCoverageGapDetected = DomainEvent<
  "ReviewCoverageGapDetected",
  { readonly detectedAt: string; readonly expectedReviewAt: string }
>;
export type ReviewCoverageRestored = DomainEvent<"ReviewCoverageRestored", { readonly restoredAt: string }>;

export type RosterPeriodOpenedData = {
  /** The Beijing month whose books this stream keeps, "YYYY-MM". */
  readonly period: string;
  /** The stream whose books were closed into this one; "" when the roster had none. */
  readonly carriedFrom: string;
  /** The shifts not yet ended at the period's start (Beijing midnight of its first day), future ones included. */
  readonly shifts: Shift[];
  /** A gap alert raised before the period and not yet restored. */
  readonly gapOpen: boolean;
};
/** The first event of a period stream: what still matters of the roster before it. */
export type RosterPeriodOpened = DomainEvent<"RosterPeriodOpened", RosterPeriodOpenedData>;
/** The last event of a period stream (or of the unsplit stream kept before periods): its successor was opened. */
export type RosterPeriodClosed = DomainEvent<"RosterPeriodClosed", { readonly next: string }>;

export type RosterEvent =
  | ShiftScheduled
  | ShiftCancelled
  | ReviewCoverageGapDetected
  | ReviewCoverageRestored
  | RosterPeriodOpened
  | RosterPeriodClosed;

export const ROSTER_EVENT_TYPES: ReadonlySet<string> = new Set<RosterEvent["type"]>([
  "ShiftScheduled",
  "ShiftCancelled",
  "ReviewCoverageGapDetected",
  "ReviewCoverageRestored",
  "RosterPeriodOpened",
  "RosterPeriodClosed",
]);

export function isRosterEventType(type: string): type is RosterEvent["type"] {
  return ROSTER_EVENT_TYPES.has(type);
}

/**
 * One period's roster. Its shifts are a chain of changes, newest first, each linking to the ones before: evolving adds
 * one link and shares the rest, so a period's fold costs time in proportion to its length (copying the shift list
 * per event made it quadratic). `shiftsOf` walks the chain once.
 */
export interface RosterState {
  readonly latest: ShiftChange | undefined;
  /** A gap alert is open (raised, not yet restored). */
  readonly gapOpen: boolean;
  /** The period these books were closed into (RosterPeriodClosed): nothing more is recorded here. */
  readonly closedInto: string | undefined;
}

export type ShiftChange =
  | { readonly shift: Shift; readonly cancelled?: undefined; readonly earlier: ShiftChange | undefined }
  | { readonly shift?: undefined; readonly cancelled: string; readonly earlier: ShiftChange | undefined };

export const EMPTY_ROSTER: RosterState = { latest: undefined, gapOpen: false, closedInto: undefined };

/** The shifts on the roster, in the order they were scheduled. */
export function shiftsOf(state: RosterState): Shift[] {
  const decided = new Set<string>();
  const shifts: Shift[] = [];
  for (let change = state.latest; change !== undefined; change = change.earlier) {
    const shiftId = change.shift?.shiftId ?? change.cancelled ?? "";
    if (decided.has(shiftId)) continue;
    decided.add(shiftId);
    if (change.shift !== undefined) shifts.push(change.shift);
  }
  return shifts.reverse();
}

/** What the books of `period`, starting at `start`, carry over from `state`: shifts not yet ended, and the open alert. */
export function carriedOver(state: RosterState, opening: { period: string; start: Date; carriedFrom: string }): RosterPeriodOpenedData {
  const start = opening.start.getTime();
  const shifts = shiftsOf(state).filter((shift) => Date.parse(shift.endsAt) > start);
  return { period: opening.period, carriedFrom: opening.carriedFrom, shifts, gapOpen: state.gapOpen };
}

const DAY_MS = 24 * 60 * 60 * 1000;

function schedule(command: ScheduleShift, state: RosterState): readonly RosterEvent[] {
  const starts = parseInstant(command.startsAt);
  const ends = parseInstant(command.endsAt);
  if (!isSafeId(command.pharmacistId) || starts === undefined || ends === undefined) throw refusal("INVALID_SHIFT");
  const length = ends.getTime() - starts.getTime();
  if (length <= 0 || length > DAY_MS) throw refusal("INVALID_SHIFT");
  // Shift ids come from request ids, so a repeat lands here only by another path: nothing new.
  if (shiftsOf(state).some((shift) => shift.shiftId === command.shiftId)) return [];
  const shift: Shift = {
    shiftId: command.shiftId,
    pharmacistId: command.pharmacistId,
    startsAt: starts.toISOString(),
    endsAt: ends.toISOString(),
  };
  return [{ type: "ShiftScheduled", data: shift }];
}

function cancel(command: CancelShift, state: RosterState): readonly RosterEvent[] {
  // A shift that ended before the period began is not carried into its books: SHIFT_NOT_FOUND, like any unknown one.
  if (!shiftsOf(state).some((shift) => shift.shiftId === command.shiftId)) throw refusal("SHIFT_NOT_FOUND");
  return [{ type: "ShiftCancelled", data: { shiftId: command.shiftId } }];
}

function check(command: CheckReviewCoverage, state: RosterState): readonly RosterEvent[] {
  const coverage = reviewCoverage(shiftsOf(state), command.hours, command.at);
  const at = command.at.toISOString();
  if (coverage.gap && !state.gapOpen) {
    return [{ type: "ReviewCoverageGapDetected", data: { detectedAt: at, expectedReviewAt: coverage.expectedReviewAt ?? "" } }];
  }
  if (!coverage.gap && state.gapOpen) return [{ type: "ReviewCoverageRestored", data: { restoredAt: at } }];
  return [];
}

function decideOn(command: RosterCommand, state: RosterState): readonly RosterEvent[] {
  switch (command.type) {
    case "ScheduleShift":
      return schedule(command, state);
    case "CancelShift":
      return cancel(command, state);
    case "CheckReviewCoverage":
      return check(command, state);
  }
}

function evolve(state: RosterState, event: RosterEvent): RosterState {
  switch (event.type) {
    case "ShiftScheduled":
      return { ...state, latest: { shift: event.data, earlier: state.latest } };
    case "ShiftCancelled":
      return { ...state, latest: { cancelled: event.data.shiftId, earlier: state.latest } };
    case "ReviewCoverageGapDetected":
      return { ...state, gapOpen: true };
    case "ReviewCoverageRestored":
      return { ...state, gapOpen: false };
    case "RosterPeriodOpened":
      return {
        latest: event.data.shifts.reduce<ShiftChange | undefined>((earlier, shift) => ({ shift, earlier }), undefined),
        gapOpen: event.data.gapOpen,
        closedInto: undefined,
      };
    case "RosterPeriodClosed":
      return { ...state, closedInto: event.data.next };
  }
}

/**
 * The review roster of one institution for one Beijing month (stream pharmacy-roster-<institutionId>~<YYYY-MM>, opened
 * with what the month before left), PHA-06. The unsplit stream of before folds the same way, without an opening.
 */
export const rosterDecider: Decider<RosterCommand, RosterEvent, RosterState> = {
  initialState: EMPTY_ROSTER,
  evolve,
  decide: refusing((command, state) => {
    // The application moves a command that finds its books closed to the ones named; one decided here would be lost.
    if (state.closedInto !== undefined) throw new Error(`the roster's books were closed into ${state.closedInto}`);
    if (command.opening === undefined) return decideOn(command, state);
    const opened: RosterPeriodOpened = { type: "RosterPeriodOpened", data: command.opening };
    return [opened, ...decideOn(command, evolve(state, opened))];
  }),
};
