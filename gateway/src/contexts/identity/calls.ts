import { type CallScope, unary } from "../../grpc/unary.js";
import { callScope, type HttpContext, type ResolverDeps } from "../../resolvers/context.js";

type Invoke<Res> = Parameters<typeof unary<Res>>[1];

/** A call with the caller's own token; UNAUTHENTICATED without one. The service decides what the caller may do. */
export async function signedIn<Res>(deps: ResolverDeps, context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
  const actor = await context.caller.actor();
  return unary<Res>(callScope(deps, context, actor), invoke);
}

/** A call open to anonymous callers; a token that is sent must still be valid (and is forwarded). */
export async function anyone<Res>(deps: ResolverDeps, context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
  const actor = await context.caller.optionalActor();
  return unary<Res>(callScope(deps, context, actor), invoke);
}

/** The scope of a public call, for connections that call once per page. */
export async function publicScope(deps: ResolverDeps, context: HttpContext): Promise<CallScope> {
  return callScope(deps, context, await context.caller.optionalActor());
}

/** The scope of a signed-in call, for connections. */
export async function signedInScope(deps: ResolverDeps, context: HttpContext): Promise<CallScope> {
  return callScope(deps, context, await context.caller.actor());
}

