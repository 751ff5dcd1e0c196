import { type DateInput, dayOfWeek, type IsoDate, parseIsoDate, toEpochDay, toIsoDate } from "./calendarDate.js";
import { JurisdictionError } from "./errors.js";

/**
 * Which days are working days, as data. A day is a working day if it is Monday to Friday and not a holiday, or if
 * it is an adjusted working day (调休上班). Only days within `covers` can be judged.
 */
export interface WorkingDayCalendar {
  readonly id: string;
  readonly covers: { readonly from: IsoDate; readonly to: IsoDate };
  readonly holidays: readonly IsoDate[];
  readonly adjustedWorkingDays: readonly IsoDate[];
  readonly source: string;
}

export function isWorkingDay(date: DateInput, calendar: WorkingDayCalendar): boolean {
  return new CalendarIndex(calendar).isWorkingDay(toEpochDay(date, "date"));
}

/**
 * REP-02: the nth working day after `date` (the day itself is not counted, Civil Code art. 201). For a licence
 * issued or changed on `date`, `addWorkingDays(date, 7, CN_WORKING_DAYS)` is the last day the upload is on time.
 * n = 0 returns `date`. Throws CALENDAR_NOT_COVERED when the count runs outside the calendar.
 */
export function addWorkingDays(date: DateInput, n: number, calendar: WorkingDayCalendar): IsoDate {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new JurisdictionError("INVALID_ARGUMENT", "n must be a non-negative integer", "REP-02");
  }
  const index = new CalendarIndex(calendar);
  let day = toEpochDay(date, "date");
  for (let counted = 0; counted < n; ) {
    day++;
    if (index.isWorkingDay(day)) counted++;
  }
  return toIsoDate(day);
}

/** Joins consecutive calendars (e.g. one per year) into one; their coverage must touch without gaps or overlaps. */
export function combineCalendars(id: string, parts: readonly WorkingDayCalendar[]): WorkingDayCalendar {
  const first = parts[0];
  const last = parts.at(-1);
  if (!first || !last) throw new JurisdictionError("INVALID_ARGUMENT", "no calendars to combine");
  parts.forEach((part, i) => {
    const previous = parts[i - 1];
    if (previous && toEpochDay(previous.covers.to, "covers.to") + 1 !== toEpochDay(part.covers.from, "covers.from")) {
      throw new JurisdictionError("INVALID_ARGUMENT", `calendar ${part.id} must start the day after ${previous.id} ends`);
    }
  });
  return {
    id,
    covers: { from: first.covers.from, to: last.covers.to },
    holidays: parts.flatMap((p) => p.holidays),
    adjustedWorkingDays: parts.flatMap((p) => p.adjustedWorkingDays),
    source: parts.map((p) => p.source).join("; "),
  };
}

class CalendarIndex {
  private readonly from: number;
  private readonly to: number;
  private readonly holidays: ReadonlySet<number>;
  private readonly adjusted: ReadonlySet<number>;

  constructor(private readonly calendar: WorkingDayCalendar) {
    this.from = civilDay(calendar.covers.from);
    this.to = civilDay(calendar.covers.to);
    this.holidays = new Set(calendar.holidays.map(civilDay));
    this.adjusted = new Set(calendar.adjustedWorkingDays.map(civilDay));
  }

  isWorkingDay(day: number): boolean {
    if (day < this.from || day > this.to) {
      throw new JurisdictionError(
        "CALENDAR_NOT_COVERED",
        `calendar ${this.calendar.id} covers ${this.calendar.covers.from}..${this.calendar.covers.to}, not ${toIsoDate(day)}`,
        "REP-02",
      );
    }
    if (this.adjusted.has(day)) return true;
    const weekday = dayOfWeek(day);
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(day);
  }
}

// Calendar data must be plain civil dates; a timestamp here would be a data error.
function civilDay(date: IsoDate): number {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new JurisdictionError("INVALID_DATE", `calendar date "${date}" is not YYYY-MM-DD`);
  return toEpochDay(date, "calendar date");
}
