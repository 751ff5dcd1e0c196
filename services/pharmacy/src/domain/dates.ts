const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The civil day of an instant in Beijing time (UTC+8, no daylight saving), "YYYY-MM-DD". */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since Beijing midnight and ISO weekday (1 = Monday … 7 = Sunday) of an instant. */
export function beijingClock(at: Date): { readonly minuteOfDay: number; readonly weekday: number } {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const day = local.getUTCDay();
  return { minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(), weekday: day === 0 ? 7 : day };
}

export function isCivilDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

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
