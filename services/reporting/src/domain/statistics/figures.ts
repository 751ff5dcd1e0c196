import { DomainError } from "@ihp/eventsourcing";
import { beijingDay } from "@ihp/jurisdiction";

// REP-04 supervision statistics: the figures a dashboard shows, computed from the read model's rows.

export interface FigureCount {
  readonly key: string;
  readonly count: number;
}

export interface DurationFigures {
  readonly count: number;
  /** Undefined when count is 0. */
  readonly medianMinutes: number | undefined;
  readonly p90Minutes: number | undefined;
}

/** Counts summed by key, most frequent first (ties by key). An empty key is counted as "UNSPECIFIED". */
export function countBy(parts: readonly FigureCount[]): FigureCount[] {
  const counts = new Map<string, number>();
  for (const { key, count } of parts) {
    const name = key === "" ? "UNSPECIFIED" : key;
    counts.set(name, (counts.get(name) ?? 0) + count);
  }
  return [...counts].filter(([, count]) => count > 0).map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The q-quantile (0 < q ≤ 1) of sorted values by linear interpolation between closest ranks (the usual definition:
 * position q·(n−1)); the median is q = 0.5.
 */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

/** Count, median and 90th percentile of durations given in milliseconds, in minutes rounded to 0.0001 (6 ms). */
export function durationFigures(millis: readonly number[]): DurationFigures {
  const sorted = [...millis].sort((a, b) => a - b);
  const minutes = (value: number | undefined): number | undefined => (value === undefined ? undefined : Math.round(value / 6) / 10_000);
  return { count: sorted.length, medianMinutes: minutes(quantile(sorted, 0.5)), p90Minutes: minutes(quantile(sorted, 0.9)) };
}

/** Milliseconds from one RFC 3339 time to a later one; undefined when either is unreadable or the order is wrong. */
export function millisBetween(from: string, to: string): number | undefined {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return undefined;
  return end - start;
}

/**
 * REP-04 consult response: from the patient's request to the physician's first act — the acceptance, or the start
 * when no acceptance time is known. Undefined without a request time (consults started before it was published).
 */
export function consultResponseMillis(times: { readonly requestedAt: string; readonly acceptedAt: string; readonly startedAt: string }): number | undefined {
  if (times.requestedAt === "") return undefined;
  return millisBetween(times.requestedAt, times.acceptedAt !== "" ? times.acceptedAt : times.startedAt);
}

/** Longest range one request may cover, so one call cannot scan the whole history. */
export const MAX_RANGE_DAYS = 366;

export interface DayRange {
  /** Beijing days, inclusive. */
  readonly firstDay: string;
  readonly lastDay: string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayOfInput(value: string): string | undefined {
  if (ISO_DAY.test(value)) {
    const time = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(time.getTime()) || time.toISOString().slice(0, 10) !== value ? undefined : value;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : beijingDay(time);
}

export function statisticsRangeInvalid(): DomainError {
  const message = `from and to must be days (YYYY-MM-DD) or RFC 3339 times, from not after to, at most ${MAX_RANGE_DAYS} days apart.`;
  return new DomainError("STATISTICS_RANGE_INVALID", "INVALID_ARGUMENT", message, "REP-04");
}

/** The Beijing days a request's from/to cover (a time stands for its Beijing day), or STATISTICS_RANGE_INVALID. */
export function dayRange(from: string, to: string): DayRange | DomainError {
  const firstDay = dayOfInput(from);
  const lastDay = dayOfInput(to);
  if (firstDay === undefined || lastDay === undefined || firstDay > lastDay) return statisticsRangeInvalid();
  const days = (Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / 86_400_000 + 1;
  return days > MAX_RANGE_DAYS ? statisticsRangeInvalid() : { firstDay, lastDay };
}

/** REP-05: an open case is overdue from the day after its due day (Beijing days compare as strings). */
export function isOverdue(dueDay: string, today: string): boolean {
  return today > dueDay;
}
