import type { JurisdictionCode } from "@ihp/jurisdiction";
import type { SupervisionEntry } from "../adverseEvents/supervisionEntries.js";
import type { ActivityEntry } from "./activityEntries.js";

// The feed's own vocabulary, mirroring proto/ihp/reporting/v1/feed.proto. Type aliases, not interfaces: they are
// stored as event data, which must be assignable to JsonObject.

/** REP-04 categories; each has one entry shape per kind of fact it reports (activityEntries.ts). */
export type FeedCategory =
  | "INSTITUTION_LICENCE"
  | "REGULATOR_CONNECTION"
  | "STAFF_RECORD"
  | "CONSULT"
  | "PRESCRIPTION"
  | "PRESCRIPTION_REVIEW"
  | "DISPENSING"
  | "DELIVERY"
  | "EMR"
  | SupervisionEntry["category"];

/**
 * Where an entry is routed. Activity entries take it from the institution's registration as the feed recorded it,
 * never from the reporting service's producers; "unknown" when the feed has no registration for the institution
 * (only national regulators and the system role read those).
 */
export type FeedJurisdiction = JurisdictionCode | "unknown";

export const UNKNOWN_JURISDICTION = "unknown";

/** Licence and practice information (REP-02): exactly the fields of InstitutionLicenceEntry. */
export type InstitutionLicenceEntry = {
  readonly name: string;
  readonly grade: string;
  readonly licenceNumber: string;
  readonly licenceValidFrom: string;
  readonly licenceValidUntil: string;
  readonly subjectCodes: string[];
  readonly hostLicenceNumber: string;
};

/** Connection to the supervision platform (REP-01): exactly the fields of RegulatorConnectionEntry. */
export type RegulatorConnectionEntry = {
  readonly connected: boolean;
  readonly platformReference: string;
};

type EntryHeader = {
  /** Id of the integration event the entry reports: the platform's dedup key. */
  readonly sourceEventId: string;
  readonly institutionId: string;
  readonly jurisdiction: FeedJurisdiction;
  /** RFC 3339 time of the reported fact (the source event's occurredAt). */
  readonly occurredAt: string;
};

/** An institution's own entries: recorded only once its registration told the feed its jurisdiction. */
type InstitutionHeader = EntryHeader & { readonly jurisdiction: JurisdictionCode };

export type FeedEntryRecordedData =
  | (InstitutionHeader & { readonly category: "INSTITUTION_LICENCE"; readonly entry: InstitutionLicenceEntry })
  | (InstitutionHeader & { readonly category: "REGULATOR_CONNECTION"; readonly entry: RegulatorConnectionEntry })
  | (EntryHeader & ActivityEntry)
  | (EntryHeader & SupervisionEntry);

export const FEED_ENTRY_RECORDED = "FeedEntryRecorded";

export type FeedEntryRecorded = { readonly type: typeof FEED_ENTRY_RECORDED; readonly data: FeedEntryRecordedData };
