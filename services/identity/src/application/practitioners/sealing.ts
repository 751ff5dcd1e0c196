import type { SealingPolicy } from "@ihp/keyring";

/**
 * Staff names sealed before they reach identity's log and read model (issue 10, XC-01), under the practitioner's
 * "staff" data key. ID numbers are sealed by the application already (IdNumberSealer) and blind-indexed for the
 * duplicate check; names are opened at query time (the public directory shows them, IDN-10).
 */
const staff = { subject: (data: { practitionerId?: unknown }) => (typeof data.practitionerId === "string" ? data.practitionerId : undefined), retentionClass: "staff" };

/**
 * A patient's birth date and a guardianship's evidence reference, under the patient's (the child's) "identity" key.
 * Name and ID number are sealed by the older per-patient key ring (patientKeyRing.ts) before the event is built.
 */
const patient = (field: "patientId" | "childId") => ({
  subject: (data: Record<string, unknown>) => {
    const id = data[field];
    return typeof id === "string" ? id : undefined;
  },
  retentionClass: "identity",
});

export const IDENTITY_SEALING: SealingPolicy = {
  events: {
    PatientRegistered: { ...patient("patientId"), fields: ["birthDate"] },
    GuardianLinked: { ...patient("childId"), fields: ["evidenceReference"] },
    PractitionerRegistered: { ...staff, fields: ["person.name"] },
    StaffRecordChanged: { ...staff, fields: ["name"] },
  },
};
