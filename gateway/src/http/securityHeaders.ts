import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";

export interface SecurityHeaderOptions {
  /** helmet's default content security policy; off when GraphiQL is served (its page loads scripts from a CDN). */
  readonly contentSecurityPolicy: boolean;
}

/**
 * The response headers helmet sets (XC-05 hardening, issue 13 item 13), worked out once. helmet's options here are
 * constant (no per-request directive functions, no nonces), so every answer gets the same headers: the gateway sets
 * them from this list on every request instead of @fastify/helmet, which built helmet's middleware chain again for
 * every request (two onRequest hooks, one async, and the whole option parsing; issue 15: ~20 µs of an anonymous query).
 * Header names in lower case, as Node keeps them.
 */
export function securityHeaders(options: SecurityHeaderOptions): readonly (readonly [string, string])[] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : String(value));
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let failure: unknown;
  helmet({ contentSecurityPolicy: options.contentSecurityPolicy ? undefined : false })({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error("helmet refused its options", { cause: failure });
  return [...headers];
}

/**
 * An onRequest hook putting `headers` on every answer (404s, refusals and errors included), as fastify reply headers:
 * Node then checks them once, when fastify writes the head. (Set on the raw response, as @fastify/helmet did, each was
 * checked twice and pushed every other header of the answer through Node's slower progressive path.) A route's own
 * header of the same name (the dashboard's content security policy) replaces the default, as before.
 */
export function applySecurityHeaders(headers: readonly (readonly [string, string])[]) {
  return (_request: unknown, reply: { header(name: string, value: string): unknown }, done: () => void): void => {
    for (const [name, value] of headers) reply.header(name, value);
    done();
  };
}
