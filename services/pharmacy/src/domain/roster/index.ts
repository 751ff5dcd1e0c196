export { isWithinBusinessHours, reviewCoverage } from "./coverage.js";
export type { ReviewCoverage } from "./coverage.js";
export { EMPTY_ROSTER, isRosterEventType, ROSTER_EVENT_TYPES, rosterDecider } from "./roster.js";
export type {
  CancelShift,
  CheckReviewCoverage,
  ReviewCoverageGapDetected,
  RosterCommand,
  RosterEvent,
  RosterState,
  ScheduleShift,
} from "./roster.js";
export type { BusinessHours, Shift } from "./types.js";
