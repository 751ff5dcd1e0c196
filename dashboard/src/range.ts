// The period the figures cover: whole Beijing days (UTC+8, no daylight saving), sent as UTC instants.

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Beijing date `days` before `date`. */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * From the first to the last instant of the Beijing days `first`..`last`, as ISO-8601 UTC instants: each one falls
 * in its Beijing day, so the range reads the same as inclusive days or as instants.
 */
export function periodOf(first: string, last: string): { from: string; to: string } {
  const start = Date.parse(`${first}T00:00:00+08:00`);
  const end = Date.parse(`${last}T00:00:00+08:00`) + DAY_MS - 1;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError("dates must be YYYY-MM-DD");
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}
