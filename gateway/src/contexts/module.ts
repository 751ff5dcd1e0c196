import { readFile } from "node:fs/promises";
import type { GraphQLError } from "../graphqlJs.js";
import type { ResolverDeps, WsContext } from "../http/context.js";
import type { FeedHub } from "../subscriptions/feedHub.js";

/** Resolvers of one context, by GraphQL type name (Query, Mutation, Subscription, or an object type's fields). */
export type ContextResolvers = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface ContextDeps extends ResolverDeps {
  /**
   * A refusal while subscribing, as the public error: mercurius sends errors thrown in `subscribe` straight to the
   * socket, not through the error formatter.
   */
  readonly publicError: (error: unknown, context: WsContext) => GraphQLError;
  /** This process's live regulator feed entries (from the bus), fanned out to subscriptions. */
  readonly feedHub: FeedHub;
}

/**
 * One bounded context's part of the API: an SDL file next to its resolvers (`extend type Query { … }` and its own
 * types) and the resolvers, built from the shared dependencies. The gateway merges all modules into one schema.
 */
export interface GatewayModule {
  readonly name: string;
  /** The module's SDL file (copied next to the built module by the build). */
  readonly schemaFile: URL;
  resolvers(deps: ContextDeps): ContextResolvers;
}

export function loadModuleSchema(module: GatewayModule): Promise<string> {
  return readFile(module.schemaFile, "utf8");
}

/** Merges resolver maps type by type; a field defined by two modules is a programming error. */
export function mergeResolvers(parts: readonly ContextResolvers[]): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged;
}
