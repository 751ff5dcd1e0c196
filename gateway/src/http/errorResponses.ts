import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "@ihp/platform";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PublicErrors } from "../errors/errorFormatter.js";
import { GatewayError } from "../errors/gatewayError.js";
import { GATEWAY_ERRORS, type GatewayErrorCode } from "../errors/gatewayErrors.js";
import { GraphQLError } from "../graphqlJs.js";
import { requestTrace } from "./requestTrace.js";

/** The code an error status of fastify or a plugin stands for, when it answered without one. */
function codeForStatus(status: number): GatewayErrorCode {
  switch (status) {
    case 404:
      return "ROUTE_NOT_FOUND";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 429:
      return "RATE_LIMITED";
    case 431:
      return "REQUEST_HEADERS_TOO_LARGE";
    default:
      return "BAD_REQUEST";
  }
}

/** The body of a refusal outside GraphQL execution, in the same shape as every other error the gateway returns. */
function refusalBody(errors: PublicErrors, code: GatewayErrorCode, traceId: string | undefined) {
  return {
    errors: [errors.publish({ phase: "request", located: undefined, cause: new GatewayError(code) }, traceId).graphql.toJSON()],
  };
}

/**
 * Every error response outside mercurius's own routes carries `errors[].extensions.code` too: unknown routes and
 * methods (OPTIONS included when CORS is off), errors of the other routes and of plugins (CORS, rate limit), and
 * what Node answers on the socket before fastify sees a request (oversized headers, unparseable HTTP).
 */
export function errorResponses(app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>, errors: PublicErrors, skipPaths: readonly string[]): void {
  const traceOf = (request: FastifyRequest): string => requestTrace(request.headers).traceId;

  app.setNotFoundHandler((request, reply) => reply.code(404).send(refusalBody(errors, "ROUTE_NOT_FOUND", traceOf(request))));

  app.setErrorHandler((error: unknown, request, reply) => {
    const graphql = error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : "error", { originalError: error instanceof Error ? error : undefined });
    const { statusCode, response } = errors.format({ errors: [graphql] }, { trace: requestTrace(request.headers), reply });
    return reply.code(statusCode).send(response);
  });

  // A safety net for replies sent directly with an error status and a body of another shape (e.g. @fastify/cors's
  // plain-text "Invalid Preflight Request"): replaced by the error for that status.
  app.addHook("onSend", (request, reply: FastifyReply, payload, done) => {
    const path = request.url.split("?")[0] ?? "";
    if (reply.statusCode < 400 || skipPaths.includes(path) || isGraphQLErrorBody(payload, reply)) {
      done(null, payload);
      return;
    }
    reply.header("content-type", "application/json; charset=utf-8");
    done(null, JSON.stringify(refusalBody(errors, codeForStatus(reply.statusCode), traceOf(request))));
  });
}

function isGraphQLErrorBody(payload: unknown, reply: FastifyReply): boolean {
  if (!String(reply.getHeader("content-type") ?? "").includes("json")) return false;
  const text = typeof payload === "string" ? payload : Buffer.isBuffer(payload) ? payload.toString("utf8") : undefined;
  // A stream is not an error body any plugin of ours sends; leave it alone.
  return text === undefined || (text.includes('"errors"') && text.includes('"code"'));
}

/**
 * fastify's clientErrorHandler: Node refuses a request before any route runs (headers over its limit, broken HTTP).
 * The answer is written on the socket, which Node then closes; it still has the usual error body.
 */
export function clientErrorHandler(errors: PublicErrors) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (!socket.writable) {
      socket.destroy(error);
      return;
    }
    const code: GatewayErrorCode = error.code === "HPE_HEADER_OVERFLOW" ? "REQUEST_HEADERS_TOO_LARGE" : "BAD_REQUEST";
    const status = GATEWAY_ERRORS[code].status;
    const reason = code === "REQUEST_HEADERS_TOO_LARGE" ? "Request Header Fields Too Large" : "Bad Request";
    const body = JSON.stringify(refusalBody(errors, code, undefined));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
