import { sharedRefusal } from "../domain/errors.js";

/** What consult asks reporting before an act (REP-06): is this clinician or this department suspended now? */
export interface SuspensionCheck {
  readonly institutionId: string;
  readonly clinicianId?: string;
  readonly departmentCode?: string;
}

/**
 * Reporting's active suspensions (AdverseEventService.CheckSuspensions), asked under consult's own service token at
 * each act rather than kept in a local copy fed by the bus: a suspension then holds from the moment reporting
 * recorded it, in the embedded and the distributed mode alike. Unreachable reporting fails the act (deny by default).
 */
export interface SuspensionPort {
  active(check: SuspensionCheck): Promise<readonly { readonly scopeKind: string }[]>;
}

/** Refuses with CLINICIAN_SUSPENDED or DEPARTMENT_SUSPENDED (reporting's codes) when one is suspended. No port: no check. */
export async function requireNotSuspended(port: SuspensionPort | undefined, check: SuspensionCheck): Promise<void> {
  if (port === undefined) return;
  const kinds = new Set((await port.active(check)).map((s) => s.scopeKind));
  if (kinds.has("CLINICIAN")) throw sharedRefusal("CLINICIAN_SUSPENDED");
  if (kinds.has("DEPARTMENT")) throw sharedRefusal("DEPARTMENT_SUSPENDED");
}
