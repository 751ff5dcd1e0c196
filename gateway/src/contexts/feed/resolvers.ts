import { AuthenticationError } from "@ihp/platform";
import { RegulatorFeedServiceService } from "@ihp/contracts/reporting";
import type * as Gql from "../../gen/graphql.js";
import { connection, servicePage } from "../../paging/connection.js";
import { callScope, type HttpContext, type WsContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { type FeedEntryView, feedEntryView } from "./mapping.js";
import { feedFilter } from "./scope.js";

function feedResolvers(deps: ContextDeps) {
  const Query = {
    async regulatorFeed(_root, args, context) {
      const scope = callScope(deps, context, await context.caller.actor());
      const feed = deps.downstream.service("reporting", RegulatorFeedServiceService);
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await feed.listFeed({ page: { first, after }, jurisdiction: args.jurisdiction ?? "" }, scope);
          return servicePage(response.entries, response.pageInfo);
        },
        feedEntryView,
      );
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  /**
   * Live entries from the bus, filtered per subscriber. Typed by hand: the generated subscription signature expects
   * `{ regulatorFeed: entry }` payloads, while the hub yields the entries themselves and `resolve` passes them on.
   */
  const Subscription = {
    regulatorFeed: {
      subscribe(_root: unknown, args: Gql.SubscriptionRegulatorFeedArgs, context: WsContext): AsyncIterableIterator<FeedEntryView> {
        try {
          if (context.actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          return deps.feedHub.subscribe(feedFilter(context.actor.principal, args.jurisdiction));
        } catch (error) {
          throw deps.publicError(error, context);
        }
      },
      resolve: (entry: FeedEntryView): FeedEntryView => entry,
    },
  };

  return { Query, Subscription };
}

/**
 * The regulator feed API (contexts/feed/schema.graphql): pages from reporting's RegulatorFeedService, live entries
 * from this gateway's feed hub (the bus consumer's fan-out, subscriptions/).
 */
export const feedModule: GatewayModule = {
  name: "feed",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: feedResolvers,
};
