import { type EventStore, fold } from "@ihp/eventsourcing";
import { type FeedJurisdiction, UNKNOWN_JURISDICTION } from "../domain/feed/entries.js";
import { feedDecider, feedStreamId } from "../domain/feed/feedDecider.js";
import { feedEventsOf } from "./feedQueries.js";

/**
 * The jurisdiction of an institution as the feed recorded it from identity's registration (the institution's feed
 * stream: a handful of licence and connection entries), "unknown" when the feed has no registration for it. Producers'
 * own jurisdiction fields are never used: routing to a regulator rests on what identity registered.
 */
export async function institutionJurisdiction(store: EventStore, institutionId: string): Promise<FeedJurisdiction> {
  const history = await store.readStream(feedStreamId(institutionId));
  return fold(feedDecider, feedEventsOf(history)).institution?.jurisdiction ?? UNKNOWN_JURISDICTION;
}
