import type { SealingPolicy } from "@ihp/keyring";

const clinical = "clinical";
const SECTION_TEXT = [
  "sections.chiefComplaint",
  "sections.presentIllness",
  "sections.pastHistory",
  "sections.allergyHistory",
  "sections.physicalExamination.findings",
  "sections.auxiliaryExaminations[].summary",
  "sections.diagnoses[].name",
  "sections.treatmentAdvice",
];

/**
 * What of a record is personal or clinical, sealed with the patient's "clinical" data key before it reaches the log
 * (issue 10, XC-01): the patient's name and birth date, the free text of every section and every diagnosis name
 * (ICD-10 codes stay readable for rules and statistics), addendum text and reason. A record's later events do not
 * name the patient: the stream's first event (RecordOriginated) does. Access events name who read, never content.
 */
export const RECORDS_SEALING: SealingPolicy = {
  events: {
    RecordOriginated: {
      subject: (data) => patientOf(data),
      retentionClass: clinical,
      fields: ["header.patient.name", "header.patient.birthDate", ...SECTION_TEXT],
    },
    RecordAmended: { retentionClass: clinical, fields: SECTION_TEXT },
    AddendumAttested: { retentionClass: clinical, fields: ["text", "reason"] },
  },
  streamSubject: (first) => (first.type === "RecordOriginated" ? patientOf(first.data) : undefined),
};

function patientOf(data: Readonly<Record<string, unknown>>): string | undefined {
  const header = data["header"] as { patient?: { patientId?: unknown } } | undefined;
  const id = header?.patient?.patientId;
  return typeof id === "string" && id !== "" ? id : undefined;
}
