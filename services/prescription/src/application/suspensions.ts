import { refusalsOf } from "@ihp/eventsourcing";
import type { Forwarded } from "./ports.js";

/**
 * Reporting's active suspensions (REP-06, AdverseEventService.CheckSuspensions), asked under prescription's own
 * service token when a prescription is signed — the act that makes it take effect — rather than kept in a local
 * copy fed by the bus: a suspension then holds from the moment reporting recorded it, embedded or distributed.
 * Unreachable reporting fails the signing (deny by default).
 */
export interface SuspensionPort {
  active(check: { institutionId: string; clinicianId: string; drugCodes: readonly string[] }, auth: Forwarded): Promise<readonly { readonly scopeKind: string; readonly scopeValue: string }[]>;
}

// Reporting's codes; its catalog holds the texts the gateway shows, so they are not in PRESCRIPTION_ERRORS.
const suspended = refusalsOf({
  CLINICIAN_SUSPENDED: { kind: "FAILED_PRECONDITION", ruleId: "REP-06", en: "This clinician is suspended after a serious adverse event." },
  DRUG_SUSPENDED: { kind: "FAILED_PRECONDITION", ruleId: "REP-06", en: "This drug is suspended after a serious adverse event and cannot be prescribed." },
});

/** Refuses with CLINICIAN_SUSPENDED or DRUG_SUSPENDED (naming the drug code). No port: no check. */
export async function requireNotSuspended(
  port: SuspensionPort | undefined,
  check: { institutionId: string; clinicianId: string; drugCodes: readonly string[] },
  auth: Forwarded,
): Promise<void> {
  if (port === undefined) return;
  const active = await port.active(check, auth);
  if (active.some((s) => s.scopeKind === "CLINICIAN")) throw suspended("CLINICIAN_SUSPENDED");
  const drug = active.find((s) => s.scopeKind === "DRUG");
  if (drug !== undefined) throw suspended("DRUG_SUSPENDED", drug.scopeValue);
}
