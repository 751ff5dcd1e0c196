import { type EventStore, fold } from "@ihp/eventsourcing";
import type { JurisdictionCode } from "@ihp/jurisdiction";
import { type FeedJurisdiction, UNKNOWN_JURISDICTION } from "../domain/feed/entries.js";
import { feedDecider, feedStreamId } from "../domain/feed/feedDecider.js";
import { feedEventsOf } from "./feedQueries.js";

/** Institutions whose jurisdiction one store's feed has recorded; past this, the others are read each time. */
const MAX_KNOWN = 10_000;

/**
 * Jurisdictions the feed has recorded, per store. Only what cannot change is kept: an institution's jurisdiction is
 * fixed at its registration in identity (no command changes it, a second registration of one id is refused) and the
 * feed's later licence entries carry the registered one on. So a value once read is the answer of every later read,
 * in this process and in every other replica reading the same log; nothing here needs invalidating. "Unknown" (no
 * registration recorded yet) is never kept: the registration may arrive at any time.
 */
const known = new WeakMap<EventStore, Map<string, JurisdictionCode>>();

/**
 * The jurisdiction of an institution as the feed recorded it from identity's registration (the institution's feed
 * stream: a handful of licence and connection entries), "unknown" when the feed has no registration for it. Producers'
 * own jurisdiction fields are never used: routing to a regulator rests on what identity registered. Read once per
 * institution and store (see `known`).
 */
export async function institutionJurisdiction(store: EventStore, institutionId: string): Promise<FeedJurisdiction> {
  const held = known.get(store)?.get(institutionId);
  if (held !== undefined) return held;
  const history = await store.readStream(feedStreamId(institutionId));
  const jurisdiction = fold(feedDecider, feedEventsOf(history)).institution?.jurisdiction;
  if (jurisdiction === undefined) return UNKNOWN_JURISDICTION;
  let byInstitution = known.get(store);
  if (byInstitution === undefined) {
    byInstitution = new Map();
    known.set(store, byInstitution);
  }
  if (byInstitution.size < MAX_KNOWN) byInstitution.set(institutionId, jurisdiction);
  return jurisdiction;
}
