import { type EventMetadata, type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { activityFeedDecider } from "../domain/feed/activityDecider.js";
import { type ActivityFact, activityStreamId, namedInstitutionId } from "../domain/feed/activityFacts.js";
import { UNKNOWN_JURISDICTION } from "../domain/feed/entries.js";
import { feedDecider, feedStreamId, type RecordFeedEntry } from "../domain/feed/feedDecider.js";
import { institutionIdOf, isInstitutionFact } from "../domain/feed/facts.js";
import { feedEventId } from "./feedEventId.js";
import { feedEventsOf } from "./feedQueries.js";
import { institutionJurisdiction } from "./institutionJurisdiction.js";
import type { ReportedEvent, SourceContext } from "./sourceMessage.js";

export type { SourceContext } from "./sourceMessage.js";

/** Who the feed's own events name as their actor: this service, reacting to other services' events. */
export const FEED_ACTOR = { actorId: "reporting-feed", actorRole: "system" } as const;

export interface RecordOutcome {
  /**
   * True when the stream already held the entry for this source event (a redelivery): nothing was appended. Two
   * deliveries racing each other both read false; the store still keeps one event (same id, duplicate append).
   */
  readonly repeated: boolean;
}

/**
 * Records one feed entry, exactly once in effect: the request id is the source event id (a repeat is answered from
 * the stream's history) and the event id is derived from it (a repeat that races past that check is a duplicate
 * append, which the store ignores). Institution facts go to the institution's stream; activity facts to their
 * practitioner's, consult's, prescription's or delivery's, under the institution's jurisdiction as the feed knows it.
 * Throws the decider's DomainError when it refuses.
 */
export async function recordFeedEntry(
  store: EventStore,
  reported: ReportedEvent,
  source: SourceContext,
  now: Date,
): Promise<RecordOutcome> {
  const { fact } = reported;
  if (isInstitutionFact(fact)) {
    const command: RecordFeedEntry = { ...reported, fact };
    const institutionId = institutionIdOf(fact);
    const result = await handleCommand(
      store,
      feedDecider,
      {
        streamId: feedStreamId(institutionId),
        command,
        metadata: feedMetadata(reported.sourceEventId, institutionId, source),
        requestId: reported.sourceEventId,
        now,
      },
      { newEventId: () => feedEventId(reported.sourceEventId) },
    );
    return { repeated: result.repeated };
  }
  return recordActivityEntry(store, { ...reported, fact }, source, now);
}

async function recordActivityEntry(
  store: EventStore,
  reported: ReportedEvent & { readonly fact: ActivityFact },
  source: SourceContext,
  now: Date,
): Promise<RecordOutcome> {
  const { fact, sourceEventId } = reported;
  const streamId = activityStreamId(fact);
  const named = namedInstitutionId(fact);
  // A fact that names no institution takes it from its stream, read here: the entry is then decided on that read.
  const read = named === undefined ? await store.readStream(streamId) : undefined;
  const institutionId = named ?? (read === undefined ? undefined : streamInstitution(read)) ?? "";
  const jurisdiction = institutionId === "" ? UNKNOWN_JURISDICTION : await institutionJurisdiction(store, institutionId);
  const result = await handleCommand(
    store,
    activityFeedDecider,
    {
      streamId,
      command: { ...reported, institutionId, jurisdiction },
      metadata: feedMetadata(sourceEventId, institutionId, source),
      requestId: sourceEventId,
      now,
      ...(read === undefined ? {} : { read }),
    },
    { newEventId: () => feedEventId(sourceEventId) },
  );
  return { repeated: result.repeated };
}

/** The institution an activity stream's entries name (a voided prescription takes it from its signed version). */
function streamInstitution(history: readonly StoredEvent[]): string | undefined {
  return fold(activityFeedDecider, feedEventsOf(history)).institutionId;
}

function feedMetadata(
  sourceEventId: string,
  institutionId: string,
  source: SourceContext,
): Omit<EventMetadata, "occurredAt" | "requestId"> {
  return {
    ...FEED_ACTOR,
    tenantId: institutionId,
    correlationId: source.correlationId === "" ? sourceEventId : source.correlationId,
    causationId: sourceEventId,
    ...(source.traceparent ? { traceparent: source.traceparent } : {}),
    ...(source.tracestate ? { tracestate: source.tracestate } : {}),
  };
}
