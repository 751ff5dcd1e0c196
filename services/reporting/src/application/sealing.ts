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
    // REP-06 / REP-04: the free text of adverse events, ratings and complaints, under the patient's clinical key (an
    // adverse event without a patient: its own). The feed never carries these fields.
    AdverseEventReported: { subject: (data) => patientOr(data, `adverse-event:${typeof data.adverseEventId === "string" ? data.adverseEventId : ""}`), retentionClass: "clinical", fields: ["description"] },
    ConsultRated: { subject: (data) => patientOr(data), retentionClass: "clinical", fields: ["comment"] },
    ComplaintReceived: { subject: (data) => patientOr(data), retentionClass: "clinical", fields: ["text"] },
    ComplaintStatusChanged: { subject: (data) => patientOr(data), retentionClass: "clinical", fields: ["note"] },
  },
};

function patientOr(data: { readonly patientId?: unknown }, fallback?: string): string | undefined {
  return typeof data.patientId === "string" && data.patientId !== "" ? data.patientId : fallback;
}
