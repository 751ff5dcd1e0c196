import type { Logger } from "@ihp/platform";
import { GRAPHQL_RESPONSE_JSON, JSON_TYPE, responseMediaType } from "../http/mediaType.js";
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from "../graphqlJs.js";
import type { ErrorCatalog, PublicError } from "./publicError.js";
import { publicGraphQLError } from "./publicGraphQLError.js";
import { describeFailure, type Failure, failuresOf, locationsOf } from "./requestFailures.js";

/** Where a request's trace id lives on the GraphQL context (HTTP and WebSocket alike). */
export interface TracedContext {
  readonly trace?: { readonly traceId: string } | undefined;
}

/** mercurius puts the fastify reply on the context of HTTP requests (not of WebSocket ones). */
interface RepliedContext {
  readonly reply?: { readonly request: { readonly headers: { readonly accept?: string | string[] | undefined } } } | undefined;
}

/** Refusals of the document or its variables before execution: 200 for application/json clients (see format). */
const DOCUMENT_REFUSALS = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "QUERY_TOO_DEEP", "QUERY_TOO_COMPLEX"]);

export interface FormattedResult {
  readonly statusCode: number;
  readonly response: {
    data?: ExecutionResult["data"] | null;
    errors: GraphQLFormattedError[];
    extensions?: ExecutionResult["extensions"];
  };
}

export interface PublicErrors {
  /** One failure → the error the client sees; faults are logged here, once, with the trace id. */
  publish(failure: Failure, traceId: string | undefined): { readonly error: PublicError; readonly graphql: GraphQLError };
  /**
   * mercurius's errorFormatter: every HTTP response with errors (including those its error handler builds for
   * fastify's own refusals, such as an oversized body) and every subscription result with errors. The HTTP status is
   * 200 once execution produced data; a request refused before execution gets the refusal's status, except that a
   * refused document or variables are 200 for clients that accept application/json (GraphQL over HTTP).
   */
  format(execution: ExecutionResult & { readonly errors: readonly GraphQLError[] }, context: unknown): FormattedResult;
}

export function createPublicErrors(options: { readonly catalog: ErrorCatalog; readonly logger: Logger }): PublicErrors {
  const publish: PublicErrors["publish"] = (failure, traceId) => {
    const error = describeFailure(failure, options.catalog);
    // ARCHITECTURE §7: faults once, in full, with the trace id; refusals by code only (their cause may quote input).
    if (error.internal) options.logger.error({ err: failure.cause, traceId }, "GraphQL request failed unexpectedly");
    else options.logger.debug({ code: error.code, reason: error.reason, traceId }, "GraphQL request refused");
    return { error, graphql: publicGraphQLError(error, locationsOf(failure), traceId) };
  };
  return {
    publish,
    format(execution, context) {
      const traceId = (context as TracedContext | undefined)?.trace?.traceId;
      const accept = (context as RepliedContext | undefined)?.reply?.request.headers.accept;
      const mediaType = responseMediaType(accept);
      let statusCode = 200;
      const errors: GraphQLFormattedError[] = [];
      for (const failure of execution.errors.flatMap(failuresOf)) {
        const { error, graphql } = publish(failure, traceId);
        errors.push(graphql.toJSON());
        // GraphQL over HTTP: a well-formed request whose document or variables are refused is answered 200 under
        // application/json (clients of that type read the errors, not the status) and 4xx under the new type.
        const documentRefusal = DOCUMENT_REFUSALS.has(error.code) && mediaType === JSON_TYPE;
        if (failure.phase === "request" && !documentRefusal) statusCode = Math.max(statusCode, error.status);
      }
      if (execution.data !== undefined && execution.data !== null) statusCode = 200;
      const response: FormattedResult["response"] = { data: execution.data ?? null, errors };
      // The new type's "not executed" signal is the absence of `data`, not a null one.
      if (mediaType === GRAPHQL_RESPONSE_JSON && execution.data === undefined) delete response.data;
      if (execution.extensions !== undefined) response.extensions = execution.extensions;
      return { statusCode, response };
    },
  };
}
