import {
  beijingDay,
  type DateInput,
  daysBetween,
  type IsoDate,
  type JurisdictionProfile,
  type PrescriptionRetentionClass,
  retentionUntil,
} from "@ihp/jurisdiction";
import type { MedicalRecord } from "./recordTypes.js";

// Retention (REC-02, REC-03, PHA-09, §9): the periods are the jurisdiction profile's (@ihp/jurisdiction), counted in
// Beijing civil days per Civil Code arts. 201–202: `retainUntil` is the last day that must still be kept, so
// destruction (approved, never automatic) is possible from the day after.

export type RetentionClock = {
  /** The last day that must still be kept. */
  readonly retainUntil: IsoDate;
  /** XC-08: the profile version that gave the period. */
  readonly profileVersion: string;
};

/**
 * REC-02 / PHA-09: a record is kept 15 years (Yinchuan 30) from the patient's last visit, and each prescription it
 * links max(REC-02, Rx art. 50 by class) from the same visit; the latest date wins.
 */
export function recordRetention(
  profile: JurisdictionProfile,
  lastVisitAt: DateInput,
  prescriptionClasses: readonly PrescriptionRetentionClass[],
): RetentionClock {
  const dates = [
    retentionUntil(profile, { kind: "clinicalRecord" }, lastVisitAt),
    ...prescriptionClasses.map((c) => retentionUntil(profile, { kind: "prescription", prescriptionClass: c }, lastVisitAt)),
  ];
  return { retainUntil: dates.reduce((a, b) => (b > a ? b : a)), profileVersion: profile.version };
}

/** REC-03: chats, images, audio and video: 3 years from the end of the consult. */
export function mediaRetention(profile: JurisdictionProfile, consultEndedAt: DateInput): RetentionClock {
  return { retainUntil: retentionUntil(profile, { kind: "media" }, consultEndedAt), profileVersion: profile.version };
}

/**
 * The first instant destruction is possible: 00:00 Beijing time on the day after retainUntil (China has no daylight
 * saving). For stores that take an instant, e.g. a blob's object-lock retention.
 */
export function destroyableFrom(clock: RetentionClock): Date {
  return new Date(new Date(`${clock.retainUntil}T00:00:00+08:00`).getTime() + 86_400_000);
}

/** The patient's retention clock restarts at every visit (REC-02 最后一次就诊之日): the latest of the visits. */
export function lastVisit(visits: readonly string[]): string | undefined {
  return [...visits].sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
}

/** What the daily job knows about one record or media item. */
export type RetentionSubject =
  | {
      readonly kind: "RECORD";
      readonly documentId: string;
      readonly profile: JurisdictionProfile;
      readonly lastVisitAt: string;
      readonly prescriptionClasses: readonly PrescriptionRetentionClass[];
      readonly held: boolean;
      readonly sealed: boolean;
      readonly destroyed: boolean;
    }
  | {
      readonly kind: "MEDIA";
      readonly documentId: string;
      readonly mediaId: string;
      readonly profile: JurisdictionProfile;
      readonly consultEndedAt: string;
      readonly held: boolean;
      readonly sealed: boolean;
      readonly destroyed: boolean;
    };

export type DueItem = {
  readonly kind: "RECORD" | "MEDIA";
  readonly documentId: string;
  /** "" for a record. */
  readonly mediaId: string;
  readonly retainUntil: IsoDate;
  readonly profileVersion: string;
};

/**
 * What falls due on `day`: items past their minimum period, not destroyed, not under a legal hold or seal. A list to
 * put before the institution head, never an order to destroy (§9: approved destruction only).
 */
export function dueOn(subjects: readonly RetentionSubject[], day: DateInput): DueItem[] {
  const due: DueItem[] = [];
  for (const subject of subjects) {
    if (subject.destroyed || subject.held || subject.sealed) continue;
    const clock =
      subject.kind === "RECORD"
        ? recordRetention(subject.profile, subject.lastVisitAt, subject.prescriptionClasses)
        : mediaRetention(subject.profile, subject.consultEndedAt);
    if (!isPastRetention(clock, day)) continue;
    due.push({
      kind: subject.kind,
      documentId: subject.documentId,
      mediaId: subject.kind === "MEDIA" ? subject.mediaId : "",
      ...clock,
    });
  }
  return due.sort((a, b) => a.retainUntil.localeCompare(b.retainUntil) || a.documentId.localeCompare(b.documentId));
}

/** Whether `day` (a civil date, a timestamp with offset, or an instant) is after the clock's last day. */
export function isPastRetention(clock: RetentionClock, day: DateInput): boolean {
  return daysBetween(clock.retainUntil, day instanceof Date ? beijingDay(day) : day) > 0;
}

/** The daily job's subjects for one record: the record itself and each media item it links. */
export function retentionSubjectsOf(
  record: MedicalRecord,
  facts: { readonly profile: JurisdictionProfile; readonly lastVisitAt: string; readonly prescriptionClasses: readonly PrescriptionRetentionClass[] },
): RetentionSubject[] {
  const shared = { documentId: record.documentId, profile: facts.profile, held: record.holds.length > 0, sealed: record.seal !== null };
  const destroyed = record.status === "DESTROYED";
  const media = record.versions.at(-1)?.media ?? [];
  return [
    { kind: "RECORD", ...shared, lastVisitAt: facts.lastVisitAt, prescriptionClasses: facts.prescriptionClasses, destroyed },
    ...media.map((m) => ({
      kind: "MEDIA" as const,
      ...shared,
      mediaId: m.mediaId,
      consultEndedAt: m.consultEndedAt,
      destroyed: destroyed || record.destroyedMedia.includes(m.mediaId),
    })),
  ];
}
