import { DomainError } from "@ihp/eventsourcing";
import type { Principal } from "./principal.js";

/**
 * IDN-03, ARCHITECTURE §8: clinical writes are made by a person in their own name. A service credential (kind
 * "service") or any token carrying the platform's `system` role is refused, whatever other roles it claims: a job or a
 * bot may not draft, sign, decide or dispense. The code's texts live in the tables of the services that use it
 * (identity, consult, prescription, pharmacy), all with the same wording.
 */
export function requireHuman(principal: Principal): void {
  if (principal.kind !== "human" || principal.roles.includes("system")) {
    throw new DomainError("HUMAN_CLINICIAN_REQUIRED", "PERMISSION_DENIED", "Only the clinician in person may do this.", "IDN-03");
  }
}
