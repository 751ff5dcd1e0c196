import type { SealingPolicy } from "@ihp/keyring";

/**
 * Staff names sealed before they reach identity's log and read model (issue 10, XC-01), under the practitioner's
 * "staff" data key. ID numbers are sealed by the application already (IdNumberSealer) and blind-indexed for the
 * duplicate check; names are opened at query time (the public directory shows them, IDN-10).
 */
const staff = { subject: (data: { practitionerId?: unknown }) => (typeof data.practitionerId === "string" ? data.practitionerId : undefined), retentionClass: "staff" };

export const IDENTITY_SEALING: SealingPolicy = {
  events: {
    PractitionerRegistered: { ...staff, fields: ["person.name"] },
    StaffRecordChanged: { ...staff, fields: ["name"] },
  },
};
