import { beijingClock } from "../dates.js";
import type { BusinessHours, Shift } from "./types.js";

export interface ReviewCoverage {
  readonly withinBusinessHours: boolean;
  readonly pharmacistsOnDuty: readonly string[];
  /** PHA-06: business hours and nobody on duty. */
  readonly gap: boolean;
  /** When there is a gap: the start of the next shift (ISO), undefined when none is scheduled. */
  readonly expectedReviewAt: string | undefined;
  /** Whole minutes until then (rounded up); 0 without a gap; undefined when unknown. */
  readonly expectedDelayMinutes: number | undefined;
}

export function isWithinBusinessHours(hours: BusinessHours, at: Date): boolean {
  const { minuteOfDay, weekday } = beijingClock(at);
  return hours.weekdays.includes(weekday) && minuteOfDay >= hours.opensAt && minuteOfDay < hours.closesAt;
}

/** PHA-06: who is on duty at `at`, and, when nobody is during business hours, how long patients should expect to wait. */
export function reviewCoverage(shifts: readonly Shift[], hours: BusinessHours, at: Date): ReviewCoverage {
  const now = at.getTime();
  const onDuty = shifts
    .filter((shift) => Date.parse(shift.startsAt) <= now && now < Date.parse(shift.endsAt))
    .map((shift) => shift.pharmacistId);
  const pharmacistsOnDuty = [...new Set(onDuty)].sort();
  const withinBusinessHours = isWithinBusinessHours(hours, at);
  const gap = withinBusinessHours && pharmacistsOnDuty.length === 0;
  if (!gap) return { withinBusinessHours, pharmacistsOnDuty, gap, expectedReviewAt: undefined, expectedDelayMinutes: 0 };
  const next = shifts
    .map((shift) => Date.parse(shift.startsAt))
    .filter((start) => start > now)
    .sort((a, b) => a - b)[0];
  if (next === undefined) return { withinBusinessHours, pharmacistsOnDuty, gap, expectedReviewAt: undefined, expectedDelayMinutes: undefined };
  return {
    withinBusinessHours,
    pharmacistsOnDuty,
    gap,
    expectedReviewAt: new Date(next).toISOString(),
    expectedDelayMinutes: Math.ceil((next - now) / 60_000),
  };
}
