import type {
  ListFeedRequest,
  ListFeedResponse,
  RegulatorFeedServiceServer,
  StreamFeedRequest,
  StreamFeedResponse,
} from "@ihp/contracts/reporting";
import {
  type CallContext,
  describeError,
  type GrpcHandlers,
  type Logger,
  RemoteError,
  traceFields,
} from "@ihp/platform";
import { authorizeFeedRead } from "../application/feedAccess.js";
import type { FeedReader } from "../application/feedIndex.js";
import { decodeCursor, encodeCursor, parseFeedPosition } from "../application/feedPosition.js";
import { type FeedFilter, listFeed, streamFeed } from "../application/feedQueries.js";
import type { RefusalRecorder } from "../application/refusals.js";
import { toFeedEntry } from "./feedEntryProto.js";

export interface RegulatorFeedServerOptions {
  /** The feed's index over this service's log (issue 15): pages and catch-up read it, live feeds follow the log. */
  readonly feed: FeedReader;
  readonly handlers: GrpcHandlers;
  readonly recorder: RefusalRecorder;
  readonly logger: Logger;
  /** Aborted when the service stops: live streams end with UNAVAILABLE so clients reconnect elsewhere or later. */
  readonly stopping: AbortSignal;
}

/** gRPC status 14: the client should retry (StreamFeed again after its last position). */
const UNAVAILABLE = 14;

/** "ListFeed" from "/ihp.reporting.v1.RegulatorFeedService/ListFeed": the audit trail's action names. */
function rpcName(method: string): string {
  return method.slice(method.lastIndexOf("/") + 1);
}

/** ihp.reporting.v1.RegulatorFeedService (proto/ihp/reporting/v1/feed.proto). */
export function regulatorFeedServer(options: RegulatorFeedServerOptions): RegulatorFeedServiceServer {
  const { feed, handlers, recorder, logger, stopping } = options;

  const authorizeCall = (call: CallContext, jurisdiction: string): Promise<FeedFilter> => {
    const attempt = { principal: call.principal, action: rpcName(call.method), jurisdiction, ...traceFields() };
    return authorizeFeedRead(attempt, recorder, logger);
  };

  return {
    listFeed: handlers.unary<ListFeedRequest, ListFeedResponse>(async (request, call) => {
      const filter = await authorizeCall(call, request.jurisdiction);
      const cursor = request.page?.after ?? "";
      const page = await listFeed(feed, filter, { first: request.page?.first ?? 0, after: decodeCursor(cursor) });
      return {
        entries: page.records.map(toFeedEntry),
        pageInfo: {
          // Nothing read past the cursor: hand it back, so a polling client keeps its place.
          endCursor: page.endPosition === undefined ? cursor : encodeCursor(page.endPosition),
          hasNextPage: page.hasNextPage,
        },
      };
    }),

    streamFeed: handlers.serverStream<StreamFeedRequest, StreamFeedResponse>(async (request, call, send) => {
      const filter = await authorizeCall(call, request.jurisdiction);
      const after = parseFeedPosition(request.after);
      const signal = AbortSignal.any([call.signal, stopping]);
      for await (const record of streamFeed(feed, filter, after, signal)) await send({ entry: toFeedEntry(record) });
      // The subscription only ends by itself when the client went away (nobody to tell) or the service is stopping.
      if (!call.signal.aborted) {
        throw new RemoteError("UNAVAILABLE", "UNAVAILABLE", describeError("UNAVAILABLE").en, undefined, UNAVAILABLE);
      }
    }),
  };
}
