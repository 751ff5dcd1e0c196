import { authorize, denialError, type Principal, requireHuman, type Role } from "@ihp/platform";
import { refusal } from "../domain/errors.js";

/** Acts only a human clinician may perform (IDN-03: never a service or bot credential). */
export type ClinicianAction = "AcceptConsult" | "DecideEligibility" | "StartConsult" | "CompleteConsult" | "TerminateConsult" | "ProposeFamilyContract";
export type PatientAction = "RequestConsult" | "CancelConsult" | "GiveConsent" | "SignFamilyContract";
export type ParticipantAction = "SendMessage" | "JoinVideo" | "WatchMessages";
export type SystemAction = "StoreRecording" | "ExpireOverdueConsults";

/**
 * Patient-side acts: a person with the patient role (guardians are patients acting for a child). Deny by default; a
 * service credential claiming the patient role is no person (IDN-03, HUMAN_CLINICIAN_REQUIRED).
 */
export function requirePatient(principal: Principal): Role {
  const decision = authorize(principal, { roles: ["patient"] });
  if (!decision.allowed) throw denialError(decision);
  requireHuman(principal);
  return "patient";
}

/**
 * IDN-03: clinician acts need a human physician; a service principal (or any token with the system role) is refused
 * with HUMAN_CLINICIAN_REQUIRED whatever roles its token claims. The institution check (TENANT_MISMATCH) follows once
 * the consult is known.
 */
export function requireClinician(principal: Principal, institutionId?: string): Role {
  requireHuman(principal);
  const decision = authorize(principal, { roles: ["physician"], tenantId: institutionId });
  if (!decision.allowed) throw denialError(decision);
  return "physician";
}

/** Either side of the conversation; which consult they belong to is the decider's check. */
export function requireParticipant(principal: Principal): Role {
  if (principal.roles.includes("physician")) {
    requireHuman(principal);
    return "physician";
  }
  return requirePatient(principal);
}

/**
 * Machine acts, the only writes a service credential makes here, none of them clinical: the RTC provider's callback
 * records where a recording is stored (StoreRecording), and consult's own sweep (svc:consult) expires consults nobody
 * accepted in time (ExpireOverdueConsults) — no clinician acted, and nothing about the patient's care is decided.
 */
export function requireSystem(principal: Principal): Role {
  const decision = authorize(principal, { roles: ["system"] });
  if (!decision.allowed) throw denialError(decision);
  return "system";
}

/**
 * Reads of one consult: its patient or guardian, its physician or a physician of its institution while it waits, its
 * admins. Not `system`: no platform job reads a consult over the API (the expiry sweep works in-process), and a
 * service credential has no care relationship to anyone's clinical record (ARCHITECTURE §8).
 */
export function readerRole(principal: Principal, consult: { institutionId: string; patientId: string; guardianId: string; physicianId: string; status: string }): Role {
  const { subject, roles, tenantId } = principal;
  if (roles.includes("patient") && (subject === consult.patientId || (consult.guardianId !== "" && subject === consult.guardianId))) {
    return "patient";
  }
  if (roles.includes("physician") && tenantId === consult.institutionId) {
    if (subject === consult.physicianId || consult.status === "WAITING") return "physician";
  }
  if (roles.includes("institution_admin") && tenantId === consult.institutionId) return "institution_admin";
  throw refusal("NOT_CONSULT_PARTICIPANT");
}
