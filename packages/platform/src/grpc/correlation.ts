import type { Metadata } from "@grpc/grpc-js";

/** Metadata key a caller (the gateway, another service) may set to tie a call to a wider request. */
export const CORRELATION_HEADER = "x-correlation-id";
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id the call brings in `x-correlation-id` when it is 1–128 of A-Z a-z 0-9 . _ : -, a fresh one
 * otherwise: it is stored in audit records and event metadata, so nothing else is taken from a caller.
 */
export function correlationIdOf(metadata: Metadata, newId: () => string): string {
  const [header] = metadata.get(CORRELATION_HEADER);
  return typeof header === "string" && CORRELATION_ID.test(header) ? header : newId();
}
