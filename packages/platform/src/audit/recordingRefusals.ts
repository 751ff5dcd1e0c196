import { DomainError } from "@ihp/eventsourcing";
import type { Principal } from "../auth/principal.js";
import { RemoteError } from "../errors/remoteError.js";
import type { TraceFields } from "../tracing/propagation.js";
import type { AuditTrail } from "./auditTrail.js";

/** Kinds that mean "refused by a rule", as opposed to a fault or a transient conflict (ABORTED is retried). */
const REFUSAL_KINDS: ReadonlySet<string> = new Set(["INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED"]);

/**
 * A refusal by a rule — ours (DomainError) or another service's passed on with its stable code (RemoteError) — as
 * opposed to a fault.
 */
export function isRefusal(error: unknown): error is DomainError | RemoteError {
  return (error instanceof DomainError || error instanceof RemoteError) && REFUSAL_KINDS.has(error.kind);
}

/** Who refused work was attempted by: what the audit event records. */
export interface RefusedCaller {
  readonly principal: Principal;
  readonly correlationId: string;
  readonly trace?: TraceFields | undefined;
}

/**
 * Runs `work`; when it is refused, records the refused attempt in the audit trail before rethrowing (XC-02: the
 * blocked attempt is itself logged). If the audit append fails, that failure is what the caller gets: a refusal is
 * never reported as recorded when it was not.
 */
export async function recordingRefusals<T>(
  audit: AuditTrail,
  caller: RefusedCaller,
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
