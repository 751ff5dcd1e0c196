import { type CallContext, type PublicCallContext, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import { CORRELATION_HEADER } from "./institutionServer.js";

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id (x-correlation-id) or a fresh one, and the wrapper's span as trace. */
export function contextOf(call: PublicCallContext, newId: () => string): Pick<Caller, "correlationId" | "trace"> {
  const [header] = call.metadata.get(CORRELATION_HEADER);
  const correlationId = typeof header === "string" && CORRELATION_ID.test(header) ? header : newId();
  return { correlationId, trace: traceFields() };
}

export function callerOf(call: CallContext, newId: () => string): Caller {
  return { principal: call.principal, ...contextOf(call, newId) };
}
