import { addYearsToDay, type DateInput, type IsoDate, toEpochDay, toIsoDate } from "./calendarDate.js";
import type { JurisdictionProfile, PrescriptionRetentionClass } from "./types.js";

/**
 * What is kept: the outpatient EMR of internet diagnosis (REC-02), the consult's chats, audio and video (REC-03),
 * or an online prescription of a class in Rx Measures art. 50 (PHA-09).
 */
export type RetentionClass =
  | { readonly kind: "clinicalRecord" }
  | { readonly kind: "media" }
  | { readonly kind: "prescription"; readonly prescriptionClass: PrescriptionRetentionClass };

/**
 * The last day an item must still be kept; it may be destroyed (with approval, never automatically) from the day
 * after. `from` is the day the clock starts:
 * - clinicalRecord and prescription: the patient's last visit (REC-02 "最后一次就诊之日"); the records service
 *   passes the latest encounter, so each visit pushes the date out.
 * - media: the end of the consult (REC-03).
 * Years are counted per Civil Code arts. 201–202: a visit on 2024-05-10 with 15 years is kept through 2039-05-10.
 * A prescription keeps the longer of its art. 50 period and, as EMR content, the clinical-record period (PHA-09).
 * Art. 50 would count from issue; counting from the last visit, which is never earlier, can only keep it longer.
 */
export function retentionUntil(profile: JurisdictionProfile, retentionClass: RetentionClass, from: DateInput): IsoDate {
  return toIsoDate(addYearsToDay(toEpochDay(from, "from"), retentionYears(profile, retentionClass)));
}

/** Whether the minimum period has run out on `on`, i.e. `on` is after retentionUntil. */
export function isRetentionOver(
  profile: JurisdictionProfile,
  retentionClass: RetentionClass,
  from: DateInput,
  on: DateInput,
): boolean {
  return toEpochDay(on, "on") > toEpochDay(retentionUntil(profile, retentionClass, from), "until");
}

export function retentionYears(profile: JurisdictionProfile, retentionClass: RetentionClass): number {
  const r = profile.settings.retention;
  switch (retentionClass.kind) {
    case "clinicalRecord":
      return r.clinicalRecordYears;
    case "media":
      return r.mediaYears;
    case "prescription": {
      const own = r.prescriptionYears[retentionClass.prescriptionClass];
      return r.prescriptionsAreClinicalRecords ? Math.max(own, r.clinicalRecordYears) : own;
    }
  }
}
