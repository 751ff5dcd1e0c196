import { DomainError } from "@ihp/eventsourcing";
import type { AuditTrail } from "@ihp/platform";
import { isDomainErrorKind, RemoteError } from "@ihp/platform";
import type { Caller } from "./caller.js";

/**
 * Runs `work`; a refusal (a DomainError other than a transient ABORTED, or a refusal from consult or identity) is
 * recorded in the audit trail before it is rethrown (XC-02). If the audit append fails, that failure is what the
 * caller gets: a refusal is never reported as recorded when it was not.
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
    const refused =
      (error instanceof DomainError && error.kind !== "ABORTED") ||
      (error instanceof RemoteError && isDomainErrorKind(error.kind) && error.kind !== "ABORTED");
    if (refused) {
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
