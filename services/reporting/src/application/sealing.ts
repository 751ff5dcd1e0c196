import type { SealingPolicy } from "@ihp/keyring";

/**
 * What of the regulator feed is personal, sealed before it reaches reporting's log (issue 10, XC-01): a staff
 * record's name and ID number (REP-03; the regulator gets them, the log keeps them sealed), under the practitioner's
 * "staff" data key. Other entries carry ids and codes only (REP-04, minimum necessary).
 */
export const REPORTING_SEALING: SealingPolicy = {
  events: {
    FeedEntryRecorded: {
      subject: (data) => (data.category === "STAFF_RECORD" ? (data.entry as { practitionerId?: string } | undefined)?.practitionerId : undefined),
      retentionClass: "staff",
      fields: ["entry.name", "entry.idNumber"],
    },
  },
};
