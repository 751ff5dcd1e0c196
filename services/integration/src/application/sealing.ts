import type { SealingPolicy } from "@ihp/keyring";

const bySubject = (data: Readonly<Record<string, unknown>>) => (typeof data["patientId"] === "string" && data["patientId"] !== "" ? data["patientId"] : undefined);

/**
 * What of the hospital's messages is clinical, sealed with the patient's "clinical" data key before it reaches
 * integration's log (issue 10, XC-01), like the other services' copies: diagnoses, departments, observation names,
 * values and flags, imaging findings and impressions, and the outbound copy of a signed prescription. Ids, codes
 * systems, dates and DICOM UIDs stay readable (they are what the indexes and de-duplication need).
 */
export const INTEGRATION_SEALING: SealingPolicy = {
  events: {
    EncounterRecorded: { subject: bySubject, retentionClass: "clinical", fields: ["department", "diagnoses[].code", "diagnoses[].name"] },
    LabResultAttached: {
      subject: bySubject,
      retentionClass: "clinical",
      fields: ["observations[].name", "observations[].value", "observations[].referenceRange", "observations[].abnormalFlag"],
    },
    ImagingReportAttached: { subject: bySubject, retentionClass: "clinical", fields: ["findings", "impression"] },
    OutboundEntryAdded: { subject: bySubject, retentionClass: "clinical", fields: ["payloadJson"] },
  },
};
