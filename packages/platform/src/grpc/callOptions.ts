import { type CallOptions, Metadata } from "@grpc/grpc-js";
import { type Context, context } from "@opentelemetry/api";
import { withBearerToken } from "../auth/grpcAuth.js";
import { injectTraceContext } from "../tracing/propagation.js";

/**
 * Call options with a deadline `ms` from now, never later than `parentDeadline` (the deadline of the call being
 * served), so no downstream call outlives the request that caused it.
 */
export function callDeadline(ms: number, parentDeadline?: Date | number): CallOptions {
  let deadline = Date.now() + ms;
  if (parentDeadline !== undefined) {
    const parent = parentDeadline instanceof Date ? parentDeadline.getTime() : parentDeadline;
    if (Number.isFinite(parent)) deadline = Math.min(deadline, parent);
  }
  return { deadline: new Date(deadline) };
}

/** Metadata for an outgoing call: the caller's token (services verify it themselves) and the trace context. */
export function outgoingMetadata(options: { readonly token?: string | undefined; readonly context?: Context | undefined } = {}): Metadata {
  const metadata = options.token === undefined ? new Metadata() : withBearerToken(options.token);
  injectTraceContext(metadata, options.context ?? context.active());
  return metadata;
}
