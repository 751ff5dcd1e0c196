import type { SealingPolicy } from "@ihp/keyring";

/**
 * What of a consult is personal or clinical, sealed with the patient's "clinical" data key before it reaches the log
 * (issue 10, XC-01): the patient's birth date, every diagnosis name (the prior record's, the verified and the
 * consult's own; ICD-10 codes stay readable for rules and statistics), message text and the completion summary. A
 * consult's later events do not name the patient: the stream's first event (ConsultRequested) does.
 */
const clinical = "clinical";

export const CONSULT_SEALING: SealingPolicy = {
  events: {
    ConsultRequested: {
      subject: (data) => data.patientId as string,
      retentionClass: clinical,
      fields: ["patientBirthDate", "priorRecord.diagnoses[].name", "confirmedDiagnoses[].name"],
    },
    FollowUpEligibilityDecided: { retentionClass: clinical, fields: ["verifiedDiagnoses[].name"] },
    MessageSent: { retentionClass: clinical, fields: ["text"] },
    ConsultCompleted: { retentionClass: clinical, fields: ["summary", "diagnoses[].name"] },
  },
  streamSubject: (first) => (first.type === "ConsultRequested" ? (first.data.patientId as string) : undefined),
};
