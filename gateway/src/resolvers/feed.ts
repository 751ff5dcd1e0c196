import { AuthenticationError } from "@ihp/platform";
import { RegulatorFeedServiceService } from "@ihp/contracts/reporting";
import type * as Gql from "../gen/graphql.js";
import type { GraphQLError } from "../graphqlJs.js";
import { type FeedEntryView, feedEntryView } from "../mapping/feedEntry.js";
import { connection } from "../paging/connection.js";
import type { FeedHub } from "../subscriptions/feedHub.js";
import { feedFilter } from "../subscriptions/feedScope.js";
import { callScope, type HttpContext, type ResolverDeps, type WsContext } from "./context.js";

export function feedQueries(deps: ResolverDeps) {
  return {
    async regulatorFeed(_root, args, context) {
      const scope = callScope(deps, context, await context.caller.actor());
      const feed = deps.downstream.service("reporting", RegulatorFeedServiceService);
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await feed.listFeed({ page: { first, after }, jurisdiction: args.jurisdiction ?? "" }, scope);
          return { items: response.entries, endCursor: response.pageInfo?.endCursor ?? "", hasNextPage: response.pageInfo?.hasNextPage ?? false };
        },
        feedEntryView,
      );
    },
  } satisfies Pick<Gql.QueryResolvers<HttpContext>, "regulatorFeed">;
}

/**
 * Subscription.regulatorFeed: live entries from the bus, filtered per subscriber. Refusals are turned into public
 * errors here because mercurius sends errors thrown while subscribing straight to the socket, not through the
 * error formatter. Typed by hand: the generated subscription signature expects `{ regulatorFeed: entry }` payloads,
 * while the hub yields the entries themselves and `resolve` passes them on.
 */
export function feedSubscription(hub: FeedHub, toPublic: (error: unknown, context: WsContext) => GraphQLError) {
  return {
    regulatorFeed: {
      subscribe(_root: unknown, args: Gql.SubscriptionRegulatorFeedArgs, context: WsContext): AsyncIterableIterator<FeedEntryView> {
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
