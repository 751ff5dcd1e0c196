import { refusal } from "../errors.js";
import type { ConsultState } from "./state.js";
import type { Consult, ConsultStatus } from "./types.js";

// Who may act on a consult, and whether it is still open: checks every command of the decider shares.

const CLOSED: ReadonlySet<ConsultStatus> = new Set(["COMPLETED", "CANCELLED", "EXPIRED", "REFUSED", "TERMINATED_REFERRED"]);

export function requireAssigned(consult: Consult, physicianId: string): void {
  if (consult.physicianId === "") throw refusal(closed(consult) ? "CONSULT_CLOSED" : "CONSULT_NOT_ACCEPTED");
  if (consult.physicianId !== physicianId) throw refusal("NOT_ASSIGNED_PHYSICIAN");
}

/** The patient, or for a child the recorded guardian, acts for the patient's side. */
export function requireParticipantPatient(consult: Consult, actorId: string): void {
  const guardianActs = consult.guardianId !== "" && actorId === consult.guardianId;
  const patientActs = consult.guardianId === "" && actorId === consult.patientId;
  if (!guardianActs && !patientActs) throw refusal("NOT_CONSULT_PARTICIPANT");
}

export function participantRole(consult: Consult, actorId: string): "PATIENT" | "GUARDIAN" | "PHYSICIAN" {
  if (consult.physicianId !== "" && actorId === consult.physicianId) return "PHYSICIAN";
  if (consult.guardianId !== "" && actorId === consult.guardianId) return "GUARDIAN";
  if (actorId === consult.patientId) return "PATIENT";
  throw refusal("NOT_CONSULT_PARTICIPANT");
}

export function closed(consult: Consult): boolean {
  return CLOSED.has(consult.status);
}

export function existing(state: ConsultState): Consult {
  if (state.status !== "exists") throw refusal("CONSULT_NOT_FOUND");
  return state.consult;
}
