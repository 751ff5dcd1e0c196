import { AuthenticationError } from "@ihp/platform";
import type { ListFeedResponse } from "@ihp/contracts/reporting";
import type { GraphQLError } from "../graphqlJs.js";
import { unary } from "../grpc/unary.js";
import { type FeedEntryView, feedEntryView } from "../mapping/feedEntry.js";
import { type Connection, connection, type PageArgs } from "../paging/connection.js";
import type { FeedHub } from "../subscriptions/feedHub.js";
import { feedFilter } from "../subscriptions/feedScope.js";
import { callScope, type HttpContext, type ResolverDeps, type WsContext } from "./context.js";

export function feedQueries(deps: ResolverDeps) {
  const { reporting } = deps.downstream;
  return {
    async regulatorFeed(
      _root: unknown,
      args: PageArgs & { readonly jurisdiction?: string | null },
      context: HttpContext,
    ): Promise<Connection<FeedEntryView>> {
      const actor = await context.caller.actor();
      const scope = callScope(deps, context, actor);
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await unary<ListFeedResponse>(scope, (metadata, options, done) =>
            reporting.listFeed({ page: { first, after }, jurisdiction: args.jurisdiction ?? "" }, metadata, options, done),
          );
          return {
            items: response.entries,
            endCursor: response.pageInfo?.endCursor ?? "",
            hasNextPage: response.pageInfo?.hasNextPage ?? false,
          };
        },
        feedEntryView,
      );
    },
  };
}

/**
 * Subscription.regulatorFeed: live entries from the bus, filtered per subscriber. Refusals are turned into public
 * errors here because mercurius sends errors thrown while subscribing straight to the socket, not through the
 * error formatter.
 */
export function feedSubscription(hub: FeedHub, toPublic: (error: unknown, context: WsContext) => GraphQLError) {
  return {
    regulatorFeed: {
      subscribe(_root: unknown, args: { readonly jurisdiction?: string | null }, context: WsContext): AsyncIterableIterator<FeedEntryView> {
        try {
          if (context.actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          return hub.subscribe(feedFilter(context.actor.principal, args.jurisdiction));
        } catch (error) {
          throw toPublic(error, context);
        }
      },
      resolve: (entry: FeedEntryView): FeedEntryView => entry,
    },
  };
}
