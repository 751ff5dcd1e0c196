import { AuthenticationError, type CallContext, correlationIdOf, type PrincipalResolver, type PublicCallContext, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";

/** The caller's correlation id (x-correlation-id) or a fresh one, and the wrapper's span as trace. */
export function contextOf(call: PublicCallContext, newId: () => string): Pick<Caller, "correlationId" | "trace"> {
  const correlationId = correlationIdOf(call.metadata, newId);
  return { correlationId, trace: traceFields() };
}

export function callerOf(call: CallContext, newId: () => string): Caller {
  return { principal: call.principal, ...contextOf(call, newId) };
}

/**
 * Where a service forwards the clinician's own token ("Bearer …") when it asks on their behalf: SignDocument and
 * CheckSession (access.proto). The service's own token stays in `authorization`.
 */
export const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The clinician named by the forwarded token, verified like any token; undefined when the call carries none. */
export async function forwardedClinicianOf(call: CallContext, verifier: PrincipalResolver, newId: () => string): Promise<Caller | undefined> {
  const [value] = call.metadata.get(SIGNER_AUTHORIZATION);
  if (value === undefined) return undefined;
  const token = typeof value === "string" ? BEARER.exec(value)?.[1] : undefined;
  if (token === undefined) throw new AuthenticationError("TOKEN_MALFORMED");
  const principal = await verifier.verify(token);
  return { ...callerOf(call, newId), principal };
}
