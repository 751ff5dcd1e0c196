import { DomainError } from "@ihp/eventsourcing";
import type { AuditTrail } from "@ihp/platform";
import type { Caller } from "./caller.js";
import { isInstitutionId } from "./ids.js";

/**
 * Runs `work`; when it refuses (a DomainError other than a transient ABORTED), records the refused attempt in the
 * audit trail before rethrowing (XC-02: the blocked attempt is itself logged). If the audit append fails, that
 * failure is what the caller gets (INTERNAL): a refusal is never reported as recorded when it was not.
 */
export async function recordingRefusals<T>(
  audit: AuditTrail,
  caller: Caller,
  action: string,
  resource: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.kind !== "ABORTED") {
      await audit.refused({
        principal: caller.principal,
        action,
        reason: error.code,
        resource,
        ruleId: error.ruleId,
        correlationId: caller.correlationId,
        trace: caller.trace,
      });
    }
    throw error;
  }
}

/** The audit resource for an institution id from a request; left out when malformed (not ours to echo). */
export function institutionResource(institutionId: string | undefined): string | undefined {
  return institutionId !== undefined && isInstitutionId(institutionId) ? `institution/${institutionId}` : undefined;
}
