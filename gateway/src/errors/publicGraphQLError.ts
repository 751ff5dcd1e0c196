import { GraphQLError } from "../graphqlJs.js";
import type { PublicError } from "./publicError.js";

/**
 * The error a client receives: the public message, and in `extensions` the stable code, the Chinese text and, for
 * faults, the trace id to quote to support. Locations and path come from the error graphql-js (or graphql-jit) located, if
 * any.
 */
export function publicGraphQLError(error: PublicError, located: GraphQLError | undefined, traceId: string | undefined): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code, messageZh: error.messageZh };
  if (error.reason !== undefined) extensions["reason"] = error.reason;
  if (error.ruleId !== undefined) extensions["ruleId"] = error.ruleId;
  if (error.limit !== undefined) extensions["limit"] = error.limit;
  if (error.context !== undefined) extensions["context"] = error.context;
  if (error.internal && traceId !== undefined) extensions["traceId"] = traceId;
  const published = new GraphQLError(error.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions,
  });
  // graphql-jit (compiled queries) locates its errors by line and column only, without the nodes.
  if (published.locations === undefined && located?.locations !== undefined && located.locations.length > 0) {
    (published as { locations?: GraphQLError["locations"] }).locations = located.locations;
  }
  return published;
}
