import { DomainError } from "@ihp/eventsourcing";
import { type AuditTrail, RemoteError } from "@ihp/platform";
import type { Caller } from "./caller.js";
import { isUuid } from "./ids.js";

/** A refusal from a rule here or from identity (its stable code passed on), as opposed to a fault. */
export function isRefusal(error: unknown): error is DomainError | RemoteError {
  if (error instanceof DomainError) return error.kind !== "ABORTED";
  return error instanceof RemoteError && ["INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED"].includes(error.kind);
}

/**
 * Runs `work`; when it refuses, records the refused attempt in the audit trail before rethrowing (XC-02). If the
 * audit append fails, that failure is what the caller gets: a refusal is never reported as recorded when it was not.
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
    if (isRefusal(error)) {
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

export function consultResource(consultId: string): string | undefined {
  return isUuid(consultId) ? `consult/${consultId}` : undefined;
}
