import type { SealingPolicy } from "@ihp/keyring";

/**
 * What of pharmacy's copy of a prescription is personal or clinical, sealed with the patient's "clinical" data key
 * before it reaches the log (issue 10, XC-01): the patient's birth date and the signed canonical document (it holds
 * the patient's facts and diagnoses). Later events name no patient: PrescriptionReceived does.
 */
export const PHARMACY_SEALING: SealingPolicy = {
  events: {
    PrescriptionReceived: {
      subject: (data) => (data.document as { patientId?: string } | undefined)?.patientId,
      retentionClass: "clinical",
      fields: ["document.patientBirthDate", "document.canonicalDocumentBase64"],
    },
  },
};
