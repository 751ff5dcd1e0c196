import type { Actor, Caller } from "../auth/caller.js";
import type { Downstream } from "../grpc/downstream.js";
import type { CallScope } from "@ihp/platform";
import type { RequestTrace } from "./requestTrace.js";
import type { Limits } from "../limits/limits.js";

/** GraphQL context of an HTTP request (queries and mutations). */
export interface HttpContext {
  readonly caller: Caller;
  readonly trace: RequestTrace;
  /** The client's address (fastify's request.ip, trustProxy applied): the source identity throttles logins by. */
  readonly clientAddress?: string | undefined;
}

/** GraphQL context of a WebSocket connection (subscriptions): the actor comes from connection_init. */
export interface WsContext {
  readonly actor?: Actor | undefined;
  readonly trace?: RequestTrace | undefined;
}

/** What resolvers are built from. */
export interface ResolverDeps {
  readonly downstream: Downstream;
  readonly limits: Limits;
  readonly callTimeoutMs: number;
}

/** What a call carries for `actor` (ARCHITECTURE §6 step 1): their token, the request's trace, the deadline. */
export function callScope(deps: ResolverDeps, context: HttpContext, actor: Actor | undefined): CallScope {
  return { token: actor?.token, trace: context.trace.context, timeoutMs: deps.callTimeoutMs };
}

/** A response field the contract marks optional but the call cannot do without: missing means a broken service. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing from the service's response`);
  return value;
}
