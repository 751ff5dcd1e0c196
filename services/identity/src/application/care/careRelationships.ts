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

/** One patient's care by one physician: what isTreating reads (issue 15: not every consult the patient ever had). */
export function careStreamId(patientId: string, physicianId: string): string {
  return `identity-care-${patientId}-${physicianId}`;
}

/** Which patient and physician a consult is about: ConsultCompleted and ConsultTerminated do not say. */
function consultIndexStreamId(consultId: string): string {
  return `identity-care-consult-${consultId}`;
}

function toCareEvent(event: StoredEvent): CareEvent {
  if (!isCareEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as CareEvent;
}

export function createCareRelationships(options: CareRelationshipsOptions): CareRelationships {
  const { store } = options;

  function recordStart(fact: CareStartedData, source: FactSource) {
    const command: CareCommand = { type: "RecordCareStarted", ...fact };
    return record(careStreamId(fact.patientId, fact.physicianId), command, fact.institutionId, source, new Date(fact.startedAt), `care-started-${fact.consultId}`);
  }

  /**
   * `requestId`, on the pair's stream: the consult's start or end is recorded there once, whatever was recorded for
   * the pair since (its state keeps only open consults).
   */
  async function record(streamId: string, command: CareCommand, institutionId: string, source: FactSource, at: Date, requestId?: string) {
    await handleCommand(
      store,
      careDecider,
      {
        streamId,
        command,
        metadata: { ...SERVICE_ACTOR, tenantId: institutionId, correlationId: source.correlationId || source.messageId, causationId: source.messageId },
        now: at,
        ...(requestId === undefined ? {} : { requestId }),
      },
      { newEventId: options.newId, toDomainEvent: toCareEvent },
    );
  }

  return {
    async started(fact, source) {
      await record(consultIndexStreamId(fact.consultId), { type: "RecordCareStarted", ...fact }, fact.institutionId, source, new Date(fact.startedAt));
      await recordStart(fact, source);
    },

    async ended(fact, source) {
      const [indexed] = await store.readStream(consultIndexStreamId(fact.consultId));
      if (indexed === undefined) throw new Error(`consult ${fact.consultId} ended before identity learnt that it started`);
      const started = (toCareEvent(indexed) as Extract<CareEvent, { type: "CareStarted" }>).data;
      // Again, in case the start reached the consult's index and not the pair's stream (a crash in between).
      await recordStart(started, source);
      const command: CareCommand = { type: "RecordCareEnded", consultId: fact.consultId, endedAt: fact.endedAt };
      await record(careStreamId(started.patientId, started.physicianId), command, fact.institutionId, source, new Date(fact.endedAt), `care-ended-${fact.consultId}`);
    },

    async isTreating({ physicianId, institutionId, patientId, at }) {
      const state = fold(careDecider, (await store.readStream(careStreamId(patientId, physicianId))).map(toCareEvent));
      return isTreating(state, institutionId, at, options.hoursAfterEnd);
    },
  };
}
