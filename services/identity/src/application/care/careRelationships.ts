import { appendDecisions, decideStream, type EventStore, fold, type StoredEvent, type StreamAppend } from "@ihp/eventsourcing";
import {
  type CareChanged,
  type CareCommand,
  careDecider,
  type CareEndedData,
  type CareEvent,
  type CareStartedData,
  type ConsultCare,
  consultCareDecider,
  isCareEventType,
  isTreating,
} from "../../domain/care/careRelationships.js";

export interface CareRelationshipsOptions {
  readonly store: EventStore;
  readonly newId: () => string;
  /** How long after a consult ends its physician still reads the patient (CARE_READ_HOURS_AFTER_END). */
  readonly hoursAfterEnd: number;
}

/** Where a consult fact came from: the bus message (idempotency) and the consult's correlation id. */
export interface FactSource {
  readonly messageId: string;
  readonly correlationId: string;
}

export interface CareRelationships {
  started(fact: CareStartedData, source: FactSource): Promise<void>;
  /** Throws when the consult's start is not known yet, so the bus delivers the end again later. */
  ended(fact: CareEndedData & { readonly institutionId: string }, source: FactSource): Promise<void>;
  isTreating(input: { physicianId: string; institutionId: string; patientId: string; at: Date }): Promise<boolean>;
}

/** Identity records consult facts as a service on its own (not a person's act). */
const SERVICE_ACTOR = { actorId: "identity", actorRole: "system" } as const;

/** One patient's care by one physician, read by its last event: what isTreating reads (issue 15). */
export function careStreamId(patientId: string, physicianId: string): string {
  return `identity-care-${patientId}-${physicianId}`;
}

/** One consult's start and end: which patient and physician it is about (ConsultCompleted and ConsultTerminated do not say). */
function consultCareStreamId(consultId: string): string {
  return `identity-care-consult-${consultId}`;
}

function toCareEvent(event: StoredEvent): CareEvent {
  if (!isCareEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as CareEvent;
}

function toCareChanged(event: StoredEvent): CareChanged {
  if (event.type !== "CareChanged") throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as CareChanged;
}

export function createCareRelationships(options: CareRelationshipsOptions): CareRelationships {
  const { store } = options;

  function metadataOf(institutionId: string, source: FactSource) {
    return { ...SERVICE_ACTOR, tenantId: institutionId, correlationId: source.correlationId || source.messageId, causationId: source.messageId };
  }

  /**
   * Records the fact on the consult's stream (once) and brings the pair's care in line with what that stream then
   * says, in one commit (appendDecisions): both streams change together or neither does. Run again (a redelivery, a
   * start delivered after the end) it converges on the same state. An end whose start is not known yet is recorded
   * on the consult's stream alone, then thrown, so the bus delivers it again.
   */
  async function record(command: CareCommand, institutionId: string, source: FactSource, at: Date): Promise<void> {
    const metadata = metadataOf(institutionId, source);
    const seen: { consult?: ConsultCare } = {};
    await appendDecisions(store, async () => {
      const fact = await decideStream(store, consultCareDecider, { streamId: consultCareStreamId(command.consultId), command, metadata, now: at }, {
        newEventId: options.newId,
        toDomainEvent: toCareEvent,
      });
      seen.consult = fact.state;
      const started = fact.state.started;
      const care = started === undefined
        ? undefined
        : await decideStream(
            store,
            careDecider,
            { streamId: careStreamId(started.patientId, started.physicianId), command: { type: "SyncCare", consult: started, endedAt: fact.state.endedAt }, metadata, now: at, readLast: true },
            { newEventId: options.newId, toDomainEvent: toCareChanged },
          );
      return [fact.append, care?.append].filter((part): part is StreamAppend => part !== undefined);
    });
    if (seen.consult?.started === undefined) throw new Error(`consult ${command.consultId} ended before identity learnt that it started`);
  }

  return {
    started(fact, source) {
      return record({ type: "RecordCareStarted", ...fact }, fact.institutionId, source, new Date(fact.startedAt));
    },

    ended(fact, source) {
      return record({ type: "RecordCareEnded", consultId: fact.consultId, endedAt: fact.endedAt }, fact.institutionId, source, new Date(fact.endedAt));
    },

    async isTreating({ physicianId, institutionId, patientId, at }) {
      const state = fold(careDecider, (await store.readStream(careStreamId(patientId, physicianId), { last: true })).map(toCareChanged));
      return isTreating(state, institutionId, at, options.hoursAfterEnd);
    },
  };
}
