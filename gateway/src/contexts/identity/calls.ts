import { callScope, type HttpContext, type ResolverDeps } from "../../http/context.js";

type Scope = ReturnType<typeof callScope>;

/** The scope of a call with the caller's own token; UNAUTHENTICATED without one. The service decides the rest. */
export async function signedIn(deps: ResolverDeps, context: HttpContext): Promise<Scope> {
  return callScope(deps, context, await context.caller.actor());
}

/** The scope of a call open to anonymous callers; a token that is sent must still be valid (and is forwarded). */
export async function anyone(deps: ResolverDeps, context: HttpContext): Promise<Scope> {
  return callScope(deps, context, await context.caller.optionalActor());
}
