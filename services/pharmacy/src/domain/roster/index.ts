export { isWithinBusinessHours, reviewCoverage } from "./coverage.js";
export type { ReviewCoverage } from "./coverage.js";
export { carriedOver, EMPTY_ROSTER, isRosterEventType, ROSTER_EVENT_TYPES, rosterDecider, shiftsOf } from "./roster.js";
export type {
  CancelShift,
  CheckReviewCoverage,
  ReviewCoverageGapDetected,
  RosterCommand,
  RosterEvent,
  RosterPeriodClosed,
  RosterPeriodOpened,
  RosterPeriodOpenedData,
  RosterState,
  ScheduleShift,
} from "./roster.js";
export type { BusinessHours, Shift } from "./types.js";
