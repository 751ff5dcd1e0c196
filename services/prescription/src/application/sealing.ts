import type { SealingPolicy } from "@ihp/keyring";

/**
 * What of a prescription is personal or clinical, sealed with the patient's "clinical" data key before it reaches
 * the log (issue 10, XC-01): the patient's birth date and every diagnosis name in the consult snapshot and the
 * content, and the signed canonical document as a whole (it repeats them). Drug lines stay readable for the RX rules
 * and the 统方 statistics; ICD-10 codes stay readable. Later events name no patient: PrescriptionDrafted does.
 */
const clinical = "clinical";
const draft = { retentionClass: clinical, fields: ["consult.patientBirthDate", "consult.confirmedDiagnoses[].name", "content.diagnoses[].name"] };

export const PRESCRIPTION_SEALING: SealingPolicy = {
  events: {
    PrescriptionDrafted: draft,
    PrescriptionRevised: draft,
    PrescriptionSigned: { retentionClass: clinical, fields: ["canonicalDocument"] },
  },
  streamSubject: (first) => (first.data.consult as { patientId?: string } | undefined)?.patientId,
};
