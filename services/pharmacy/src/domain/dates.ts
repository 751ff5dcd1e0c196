import { beijingDay } from "@ihp/jurisdiction";

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

// Beijing days and dates have one definition, in @ihp/jurisdiction; the pharmacy's slices import them from here.
export { beijingClock, isRecordDate as isCivilDate } from "@ihp/jurisdiction";

/** An RFC 3339 instant with an explicit offset, or undefined. */
export function parseInstant(text: string): Date | undefined {
  if (!INSTANT.test(text)) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** RX-06: the last valid day still counts; the day after it (Beijing) is expired. */
export function isExpired(validUntil: string, at: Date): boolean {
  return beijingDay(at) > validUntil;
}

/** The Beijing calendar month of an instant, "YYYY-MM": the roster keeps one stream per month (PHA-06). */
export function beijingMonth(at: Date): string {
  return beijingDay(at).slice(0, 7);
}

/** The first instant of a Beijing month ("YYYY-MM"): midnight of its first day, UTC+8 (China keeps no summer time). */
export function monthStart(month: string): Date {
  return new Date(`${month}-01T00:00:00+08:00`);
}

/** The Beijing month before `month`. */
export function previousMonth(month: string): string {
  return beijingMonth(new Date(monthStart(month).getTime() - 1));
}
