import type { Logger, PrincipalResolver } from "@ihp/platform";
import type { RouteOptions } from "fastify";
import { Caller } from "../auth/caller.js";
import type { PublicErrors } from "../errors/errorFormatter.js";
import { describePublic, type ErrorCatalog } from "../errors/publicError.js";
import type { GraphQLSchema, ValidationRule } from "../graphqlJs.js";
import { type RequestTrace, requestTrace } from "../http/requestTrace.js";
import type { Limits } from "../limits/limits.js";
import type { WsContext } from "../http/context.js";
import { type GuardedSocket, guardSocket } from "./wsGuard.js";

type Headers = Record<string, string | string[] | undefined>;
type WsHandler = (this: unknown, socket: GuardedSocket, request: { readonly headers: Headers }) => unknown;

export interface WebSocketOptions {
  readonly path: string;
  readonly schema: () => GraphQLSchema;
  readonly limits: Limits;
  readonly rules: readonly ValidationRule[];
  readonly errors: PublicErrors;
  readonly catalog: ErrorCatalog;
  readonly verifier: PrincipalResolver;
  readonly logger: Logger;
}

/**
 * The WebSocket side of the gateway: an onRoute hook that puts the subscription guard in front of mercurius's
 * WebSocket handler, and mercurius's `subscription` options (authentication from connection_init, the connection's
 * trace). One trace per connection, shared by the guard's error frames and the subscriptions' context.
 */
export function webSocketSupport(options: WebSocketOptions) {
  const traces = new WeakMap<object, RequestTrace>();

  /** Register with app.addHook("onRoute") before mercurius, so it sees mercurius's route. */
  const onRoute = (route: RouteOptions): void => {
    // @fastify/websocket reads wsHandler from the route options in its own onRoute hook, which runs after this one.
    const target = route as unknown as { url: string; wsHandler?: WsHandler };
    const original = target.wsHandler;
    if (target.url !== options.path || original === undefined) return;
    target.wsHandler = function (socket, request) {
      const trace = requestTrace(request.headers);
      traces.set(socket, trace);
      guardSocket(socket, {
        schema: options.schema,
        limits: options.limits,
        rules: options.rules,
        format: (failures) => failures.map((failure) => options.errors.publish(failure, trace.traceId).graphql.toJSON()),
      });
      return original.call(this, socket, request);
    };
  };

  const subscription = {
    context: (socket: object, request: { readonly headers: Headers }): WsContext => ({
      trace: traces.get(socket) ?? requestTrace(request.headers),
    }),
    /** connection_init `{ "authorization": "Bearer …" }`: an actor for the connection, or false (refused). */
    onConnect: async ({ payload }: { readonly payload?: unknown }): Promise<WsContext | false> => {
      try {
        return { actor: await new Caller(authorizationOf(payload), options.verifier).actor() };
      } catch (error) {
        // mercurius answers false with connection_error "Forbidden" and closes the socket.
        const refusal = describePublic(error, options.catalog);
        if (refusal.internal) options.logger.error({ err: error }, "subscription authentication failed unexpectedly");
        else options.logger.info({ code: refusal.code, reason: refusal.reason }, "subscription connection refused");
        return false;
      }
    },
  };

  return { onRoute, subscription };
}

function authorizationOf(payload: unknown): unknown {
  if (typeof payload !== "object" || payload === null) return undefined;
  const fields = payload as Record<string, unknown>;
  return fields["authorization"] ?? fields["Authorization"];
}
