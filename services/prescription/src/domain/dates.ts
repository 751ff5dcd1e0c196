const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The civil date in Beijing time (UTC+8) of an instant: the day of issue (RX-06). */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

function parts(value: string): { y: number; m: number; d: number } {
  const [y, m, d] = value.split("-").map(Number);
  return { y: y ?? 0, m: m ?? 0, d: d ?? 0 };
}

function epochDay(value: string): number {
  const { y, m, d } = parts(value);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/**
 * Age as years, months and days (RX-09 wants months and days for infants). A month is complete on the same day of a
 * later month; a birth day missing from that month (31st) completes on its last day.
 */
export function ageParts(birthDate: string, on: string): { years: number; months: number; days: number } {
  const b = parts(birthDate);
  const o = parts(on);
  let months = (o.y - b.y) * 12 + (o.m - b.m);
  const anniversary = (total: number): string => {
    const y = b.y + Math.floor((b.m - 1 + total) / 12);
    const m = ((b.m - 1 + total) % 12) + 1;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(Math.min(b.d, last)).padStart(2, "0")}`;
  };
  if (months > 0 && epochDay(anniversary(months)) > epochDay(on)) months -= 1;
  months = Math.max(0, months);
  return { years: Math.floor(months / 12), months: months % 12, days: daysBetween(anniversary(months), on) };
}
