import { GraphQLError } from "../graphqlJs.js";
import { GatewayError } from "./gatewayError.js";
import { type ErrorCatalog, describePublic, internalError, type PublicError } from "./publicError.js";

/**
 * One failure in a GraphQL result. "request": the operation never ran (limits, parsing, validation, variables, the
 * HTTP layer); "execution": a resolver failed, and graphql-js located the error at a field path.
 */
export interface Failure {
  readonly phase: "request" | "execution";
  /** The GraphQL error as graphql-js or mercurius produced it: its locations and path are kept. */
  readonly located: GraphQLError | undefined;
  /** What was thrown. */
  readonly cause: unknown;
  /** The mercurius or fastify error that carried this one, for errors that mean nothing on their own. */
  readonly carrier?: unknown;
}

/** Flattens mercurius's wrappers (MER_ERR_GQL_VALIDATION carries graphql-js errors in `errors`). */
export function failuresOf(error: GraphQLError): Failure[] {
  const original = error.originalError;
  const inner = (original as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(inner)) {
    return inner.map((item: unknown) => ({
      phase: "request",
      located: item instanceof GraphQLError ? item : undefined,
      cause: item instanceof GraphQLError ? (item.originalError ?? item) : item,
      carrier: original,
    }));
  }
  if (error.path !== undefined) return [{ phase: "execution", located: error, cause: original }];
  return [{ phase: "request", located: error, cause: original ?? error }];
}

// graphql-js 16 texts of variable coercion (execution/values.ts), the only request errors that are about the values
// a caller sent rather than the shape of the query. Pinned by the wrong-variable-type test.
const VARIABLE_VALUE =
  /^Variable "\$[^"]+" (got invalid value|of required type "[^"]+" was not provided|of non-null type "[^"]+" must not be null)/;
const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;

export function describeFailure(failure: Failure, catalog: ErrorCatalog): PublicError {
  const { cause } = failure;
  if (failure.phase === "execution") {
    // A GraphQLError without an original error during execution is graphql-js's own complaint about our result
    // (a null in a non-null field, an enum value it cannot serialise): a fault of ours, not of the caller.
    return cause === undefined ? internalError(catalog) : describePublic(cause, catalog);
  }
  if (cause instanceof GatewayError) return describePublic(cause, catalog);
  if (isFrameworkError(cause)) return frameworkFailure(cause, catalog);
  // Classified by the located error: for a bad variable value, graphql-js puts the variable's name and the value in
  // the located error's message and keeps the scalar's bare complaint as its original error.
  if (cause instanceof GraphQLError) return graphqlRefusal(failure.located ?? cause, catalog);
  if (isFrameworkError(failure.carrier)) return frameworkFailure(failure.carrier, catalog);
  return describePublic(cause, catalog);
}

function graphqlRefusal(error: GraphQLError, catalog: ErrorCatalog): PublicError {
  const code = error.message.startsWith("Syntax Error")
    ? "GRAPHQL_PARSE_FAILED"
    : VARIABLE_VALUE.test(error.message) || TOO_MANY_VARIABLE_ERRORS.test(error.message)
      ? "BAD_USER_INPUT"
      : "GRAPHQL_VALIDATION_FAILED";
  return describePublic(new GatewayError(code, { detail: error }), catalog);
}

interface FrameworkError {
  readonly code?: string;
  readonly statusCode?: number;
}

// fastify (FST_*) and mercurius (MER_ERR_*) errors, and errors of fastify's body parsers, which carry a 4xx
// statusCode: the body could not be read or was too large, the method was wrong, mercurius's own depth check.
function isFrameworkError(error: unknown): error is FrameworkError {
  if (!(error instanceof Error)) return false;
  const { code, statusCode } = error as FrameworkError;
  return (typeof code === "string" && /^(FST_|MER_ERR_)/.test(code)) || (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500);
}

function frameworkFailure(error: FrameworkError, catalog: ErrorCatalog): PublicError {
  if (error.code === "MER_ERR_GQL_QUERY_DEPTH") return describePublic(new GatewayError("QUERY_TOO_DEEP"), catalog);
  const status = error.statusCode ?? 500;
  if (status === 413) return describePublic(new GatewayError("PAYLOAD_TOO_LARGE"), catalog);
  if (status === 405) return describePublic(new GatewayError("METHOD_NOT_ALLOWED"), catalog);
  if (status >= 400 && status < 500) return { ...describePublic(new GatewayError("BAD_REQUEST"), catalog), status };
  return internalError(catalog);
}

/** The graphql-js error whose locations the client should see: a parse error's own, else the located one. */
export function locationsOf(failure: Failure): GraphQLError | undefined {
  if (failure.cause instanceof GatewayError && failure.cause.detail !== undefined) return failure.cause.detail;
  return failure.located;
}
