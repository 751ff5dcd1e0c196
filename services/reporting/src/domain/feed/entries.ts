import type { JurisdictionCode } from "@ihp/jurisdiction";

// The feed's own vocabulary, mirroring proto/ihp/reporting/v1/feed.proto. Type aliases, not interfaces: they are
// stored as event data, which must be assignable to JsonObject.

/** REP-04 categories; each has exactly one entry shape. */
export type FeedCategory = "INSTITUTION_LICENCE" | "REGULATOR_CONNECTION";

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
  /** Id of the identity event the entry reports: the platform's dedup key. */
  readonly sourceEventId: string;
  readonly institutionId: string;
  readonly jurisdiction: JurisdictionCode;
  /** RFC 3339 time of the reported fact (the source event's occurredAt). */
  readonly occurredAt: string;
};

export type FeedEntryRecordedData =
  | (EntryHeader & { readonly category: "INSTITUTION_LICENCE"; readonly entry: InstitutionLicenceEntry })
  | (EntryHeader & { readonly category: "REGULATOR_CONNECTION"; readonly entry: RegulatorConnectionEntry });

export const FEED_ENTRY_RECORDED = "FeedEntryRecorded";

export type FeedEntryRecorded = { readonly type: typeof FEED_ENTRY_RECORDED; readonly data: FeedEntryRecordedData };
