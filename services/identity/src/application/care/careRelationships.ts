import { type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import {
  type CareCommand,
  careDecider,
  type CareEndedData,
  type CareEvent,
  type CareStartedData,
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

export function careStreamId(patientId: string): string {
  return `identity-care-${patientId}`;
}

/** Which patient a consult is about: ConsultCompleted and ConsultTerminated do not say. */
function consultIndexStreamId(consultId: string): string {
  return `identity-care-consult-${consultId}`;
}

function toCareEvent(event: StoredEvent): CareEvent {
  if (!isCareEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as CareEvent;
}

export function createCareRelationships(options: CareRelationshipsOptions): CareRelationships {
  const { store } = options;

  async function record(streamId: string, command: CareCommand, institutionId: string, source: FactSource, at: Date) {
    await handleCommand(
      store,
      careDecider,
      {
        streamId,
        command,
        metadata: { ...SERVICE_ACTOR, tenantId: institutionId, correlationId: source.correlationId || source.messageId, causationId: source.messageId },
        now: at,
      },
      { newEventId: options.newId, toDomainEvent: toCareEvent },
    );
  }

  return {
    async started(fact, source) {
      const at = new Date(fact.startedAt);
      const command: CareCommand = { type: "RecordCareStarted", ...fact };
      await record(consultIndexStreamId(fact.consultId), command, fact.institutionId, source, at);
      await record(careStreamId(fact.patientId), command, fact.institutionId, source, at);
    },

    async ended(fact, source) {
      const [indexed] = await store.readStream(consultIndexStreamId(fact.consultId));
      if (indexed === undefined) throw new Error(`consult ${fact.consultId} ended before identity learnt that it started`);
      const { patientId } = (toCareEvent(indexed) as Extract<CareEvent, { type: "CareStarted" }>).data;
      const command: CareCommand = { type: "RecordCareEnded", consultId: fact.consultId, endedAt: fact.endedAt };
      await record(careStreamId(patientId), command, fact.institutionId, source, new Date(fact.endedAt));
    },

    async isTreating({ physicianId, institutionId, patientId, at }) {
      const state = fold(careDecider, (await store.readStream(careStreamId(patientId))).map(toCareEvent));
      return isTreating(state, physicianId, institutionId, at, options.hoursAfterEnd);
    },
  };
}
