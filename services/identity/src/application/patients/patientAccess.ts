import { authorize, type Role } from "@ihp/platform";
import { refusal } from "../../domain/errors.js";
import { type GuardianRelationship, isAdult, type Patient } from "../../domain/patients/index.js";
import type { Caller } from "../caller.js";
import { recordingRefusals } from "../refusals.js";
import type { AuditTrail } from "@ihp/platform";
import { actsFor, type Patients, requireTenant, roleNotAllowed } from "./patientCommands.js";
import { patientResource, requirePatientId } from "./patientIds.js";

/** Services and staff that look up patients' verified facts; patients only for themselves and their children. */
const READERS: readonly Role[] = ["system", "physician", "nurse", "pharmacist", "institution_admin"];

export interface PatientAccess {
  /** IDN-07: refused with PATIENT_NOT_VERIFIED until real-name verification passed (booking needs it). */
  getVerifiedPatient(caller: Caller, patientId: string): Promise<Patient & { verification: NonNullable<Patient["verification"]> }>;
  checkGuardian(caller: Caller, guardianId: string, childId: string): Promise<{ verified: boolean; relationship: GuardianRelationship | "" }>;
}

/** The platform operator's services read any institution's patients; staff only their own institution's. */
function requireReaderTenant(caller: Caller, institutionId: string): void {
  if (authorize(caller.principal, { roles: ["system"] }).allowed) return;
  const role = READERS.find((candidate) => caller.principal.roles.includes(candidate)) ?? "institution_admin";
  requireTenant(caller.principal, role, institutionId);
}

export function createPatientAccess(options: { patients: Patients; audit: AuditTrail; clock: () => Date }): PatientAccess {
  const { patients, audit } = options;
  return {
    getVerifiedPatient(caller, rawId) {
      return recordingRefusals(audit, caller, "GetVerifiedPatient", patientResource(rawId), async () => {
        const patientId = requirePatientId(rawId);
        const patient = await patients.load(patientId);
        const reader = authorize(caller.principal, { roles: READERS }).allowed;
        if (!reader && !actsFor(caller.principal, patient, patientId, options.clock())) throw roleNotAllowed();
        if (patient === undefined) throw refusal("PATIENT_NOT_FOUND");
        if (reader) requireReaderTenant(caller, patient.institutionId);
        const { verification } = patient;
        if (verification === undefined) throw refusal("PATIENT_NOT_VERIFIED");
        return { ...patient, verification };
      });
    },

    checkGuardian(caller, rawGuardianId, rawChildId) {
      return recordingRefusals(audit, caller, "CheckGuardian", patientResource(rawChildId), async () => {
        const guardianId = requirePatientId(rawGuardianId);
        const childId = requirePatientId(rawChildId);
        const isParty = caller.principal.roles.includes("patient") && [guardianId, childId].includes(caller.principal.subject);
        const reader = authorize(caller.principal, { roles: READERS }).allowed;
        if (!reader && !isParty) throw roleNotAllowed();
        const child = await patients.load(childId);
        const guardian = await patients.load(guardianId);
        // Staff and parties learn about a guardianship only within their institution; both people are checked.
        for (const person of [child, guardian]) {
          if (person === undefined) continue;
          if (reader) requireReaderTenant(caller, person.institutionId);
          else requireTenant(caller.principal, "patient", person.institutionId);
        }
        const link = child?.guardians.find((candidate) => candidate.guardianId === guardianId);
        // Guardianship of a minor ends at 18 (Civil Code art. 17): an old link no longer answers for the child.
        const verified = child !== undefined && link !== undefined && link.verified && !isAdult(child.birthDate, options.clock());
        return { verified, relationship: link?.relationship ?? "" };
      });
    },
  };
}
