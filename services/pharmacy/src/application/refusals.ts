import { DomainError } from "@ihp/eventsourcing";
import { type AuditTrail, RemoteError } from "@ihp/platform";
import type { Caller } from "./caller.js";

/**
 * Runs `work`; when it is refused — a DomainError of ours or a refusal identity answered with (RemoteError), other
 * than a transient ABORTED — records the refused attempt before rethrowing (XC-02). If recording fails, that failure
 * is what the caller gets: a refusal is never reported as recorded when it was not.
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
      (error instanceof RemoteError && ["INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "PERMISSION_DENIED", "ALREADY_EXISTS"].includes(error.kind));
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
