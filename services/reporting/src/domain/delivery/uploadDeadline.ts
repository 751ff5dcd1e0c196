import { addWorkingDays, beijingDay, type WorkingDayCalendar } from "@ihp/jurisdiction";
import type { MessageType } from "./regulatorMessage.js";

// REP-02 (Tianjin art. 5, the default everywhere): a licence issued or changed, or a staff member's practice record
// changed, is uploaded to the supervision platform within 7 working days. "Uploaded" means the regulator acknowledged
// it in the ack ledger; what it has not acknowledged by the end of the last working day is overdue.

export type UploadKind = "LICENCE" | "STAFF";

/** The message types REP-02 times, and what kind of upload each is. */
const UPLOAD_KINDS: Partial<Readonly<Record<MessageType, UploadKind>>> = { INSTITUTION_LICENCE: "LICENCE", STAFF_RECORD: "STAFF" };

export function uploadKindOf(type: MessageType): UploadKind | undefined {
  return UPLOAD_KINDS[type];
}

/**
 * The last Beijing day an upload is on time: `workingDays` working days after the Beijing day of the change (the day
 * itself not counted; holidays and 调休 from the calendar). Throws the jurisdiction package's CALENDAR_NOT_COVERED when
 * the count runs into a year the calendar does not have — a deadline is never guessed.
 */
export function uploadDueOn(changedAt: Date, workingDays: number, calendar: WorkingDayCalendar): string {
  return addWorkingDays(beijingDay(changedAt), workingDays, calendar);
}

/** Overdue from the Beijing day after the due day: on the due day itself the upload is still on time. */
export function isUploadOverdue(dueOn: string, now: Date): boolean {
  // ISO days compare as strings.
  return beijingDay(now) > dueOn;
}
