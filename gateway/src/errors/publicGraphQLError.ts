import { GraphQLError } from "../graphqlJs.js";
import type { PublicError } from "./publicError.js";

/**
 * The error a client receives: the public message, and in `extensions` the stable code, the Chinese text and, for
 * faults, the trace id to quote to support. Locations and path come from the error graphql-js located, if any.
 */
export function publicGraphQLError(error: PublicError, located: GraphQLError | undefined, traceId: string | undefined): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code, messageZh: error.messageZh };
  if (error.reason !== undefined) extensions["reason"] = error.reason;
  if (error.ruleId !== undefined) extensions["ruleId"] = error.ruleId;
  if (error.limit !== undefined) extensions["limit"] = error.limit;
  if (error.context !== undefined) extensions["context"] = error.context;
  if (error.internal && traceId !== undefined) extensions["traceId"] = traceId;
  return new GraphQLError(error.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions,
  });
}
