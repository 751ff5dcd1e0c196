import { type EventStore, handleCommand } from "@ihp/eventsourcing";
import { feedDecider, feedStreamId, type RecordFeedEntry } from "../domain/feed/feedDecider.js";
import { institutionIdOf } from "../domain/feed/facts.js";
import { feedEventId } from "./feedEventId.js";

/** Who the feed's own events name as their actor: this service, reacting to identity's events. */
export const FEED_ACTOR = { actorId: "reporting-feed", actorRole: "system" } as const;

/** Where a fact came from: the identity event's envelope, as far as the feed's event metadata needs it. */
export interface SourceContext {
  readonly correlationId: string;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

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
 * append, which the store ignores). Throws the decider's DomainError when it refuses.
 */
export async function recordFeedEntry(
  store: EventStore,
  command: RecordFeedEntry,
  source: SourceContext,
  now: Date,
): Promise<RecordOutcome> {
  const institutionId = institutionIdOf(command.fact);
  const result = await handleCommand(
    store,
    feedDecider,
    {
      streamId: feedStreamId(institutionId),
      command,
      metadata: {
        ...FEED_ACTOR,
        tenantId: institutionId,
        correlationId: source.correlationId === "" ? command.sourceEventId : source.correlationId,
        causationId: command.sourceEventId,
        ...(source.traceparent ? { traceparent: source.traceparent } : {}),
        ...(source.tracestate ? { tracestate: source.tracestate } : {}),
      },
      requestId: command.sourceEventId,
      now,
    },
    { newEventId: () => feedEventId(command.sourceEventId) },
  );
  return { repeated: result.repeated };
}
