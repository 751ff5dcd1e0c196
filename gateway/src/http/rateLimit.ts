import type { FastifyRequest } from "fastify";
import type { Caller } from "../auth/caller.js";
import { GatewayError } from "../errors/gatewayError.js";

export interface RateLimit {
  /** Requests one account (or, without a valid token, one client address) may make per window. */
  readonly max: number;
  readonly windowMs: number;
  /** Distinct keys remembered (LRU): bounds the limiter's own memory under address or token spraying. */
  readonly trackedKeys?: number | undefined;
}

/**
 * @fastify/rate-limit options: per account when the request carries a valid bearer token (its verified subject,
 * so one account cannot spread its requests over many addresses), else per client address. The token is verified
 * through the request's Caller, so the resolvers do not verify it again. An invalid token counts against the
 * address, and the request is then refused as UNAUTHENTICATED by the resolvers as usual.
 */
export function rateLimitOptions(limit: RateLimit, callerOf: (request: FastifyRequest) => Caller) {
  return {
    global: true,
    max: limit.max,
    timeWindow: limit.windowMs,
    cache: limit.trackedKeys ?? 10_000,
    keyGenerator: async (request: FastifyRequest): Promise<string> => {
      const actor = await callerOf(request).optionalActor().catch(() => undefined);
      return actor === undefined ? `ip:${request.ip}` : `sub:${actor.principal.subject}`;
    },
    // Thrown by the plugin, so it reaches the error handlers and gets the usual body; the status is the code's.
    errorResponseBuilder: (): GatewayError => new GatewayError("RATE_LIMITED"),
  };
}
