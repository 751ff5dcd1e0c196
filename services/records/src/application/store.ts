import { type EventMetadata, type EventStore, fold, handleCommand, type StoredEvent, type StreamAppend } from "@ihp/eventsourcing";
import { type MedicalRecord, type RecordCommand, recordDecider, type RecordEvent, type RecordState, refusal } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { recordStreamId } from "./ids.js";

function toEvent(event: StoredEvent): RecordEvent {
  return { type: event.type, data: event.data } as unknown as RecordEvent;
}

/** Reads and writes record streams through R1's decider; nothing else appends to them but access events. */
export interface RecordStore {
  state(documentId: string): Promise<RecordState>;
  /** The record's stream as read now, and its state: for a `decide` that follows to decide on it (`read`). */
  read(documentId: string): Promise<{ readonly state: RecordState; readonly history: readonly StoredEvent[] }>;
  /** The record, or RECORD_NOT_FOUND. */
  record(documentId: string): Promise<MedicalRecord>;
  /**
   * `appendWith`: other streams the same change writes, committed atomically with the record's events (handleCommand).
   * `read`: the record's stream as the caller just read it (`read`), decided on without reading it again; its last
   * revision still guards the append, so a writer that got in since costs a retry on a fresh read.
   */
  decide(
    caller: Caller,
    documentId: string,
    command: RecordCommand,
    requestId: string | undefined,
    now: Date,
    appendWith?: (own: StreamAppend) => readonly StreamAppend[],
    read?: readonly StoredEvent[],
  ): Promise<MedicalRecord>;
  /**
   * A command built from the record as read (signing, timestamps and other remote work inside `build`), the stream
   * read once: `check` judges the caller against the record first; a repeated request id then answers with the
   * record as it stands, building nothing. RECORD_NOT_FOUND for no record.
   */
  act(
    caller: Caller,
    documentId: string,
    request: { readonly requestId: string; readonly now: Date },
    check: (record: MedicalRecord) => void,
    build: (record: MedicalRecord) => Promise<RecordCommand> | RecordCommand,
  ): Promise<MedicalRecord>;
  /** Appends an event the domain decided outside a command (an access event); never conflicts with writers. */
  appendAccess(caller: Caller, documentId: string, event: RecordEvent, now: Date): Promise<void>;
  /** The access events of a record, oldest first. */
  accessEvents(documentId: string): Promise<readonly StoredEvent[]>;
}

/** Event metadata of a caller's write; the cause is the request unless an event caused it (a consult's completion). */
export function metadataOf(caller: Caller, causationId: string = caller.correlationId): Omit<EventMetadata, "occurredAt" | "requestId"> {
  const { principal } = caller;
  return {
    actorId: principal.subject,
    actorRole: principal.roles[0] ?? "",
    tenantId: principal.tenantId,
    correlationId: caller.correlationId,
    causationId,
    ...caller.trace,
  };
}

export function createRecordStore(store: EventStore, newEventId: () => string): RecordStore {
  async function read(documentId: string): Promise<{ state: RecordState; history: readonly StoredEvent[] }> {
    const history = await store.readStream(recordStreamId(documentId));
    return { state: fold(recordDecider, history.map(toEvent)), history };
  }
  async function state(documentId: string): Promise<RecordState> {
    return (await read(documentId)).state;
  }
  return {
    state,
    read,
    async record(documentId) {
      const current = await state(documentId);
      if (current.status !== "exists") throw refusal("RECORD_NOT_FOUND");
      return current.record;
    },
    async decide(caller, documentId, command, requestId, now, appendWith, read) {
      const result = await handleCommand(
        store,
        recordDecider,
        {
          streamId: recordStreamId(documentId),
          command,
          metadata: metadataOf(caller),
          ...(requestId === undefined ? {} : { requestId }),
          ...(appendWith === undefined ? {} : { appendWith }),
          ...(read === undefined ? {} : { read }),
          now,
        },
        { newEventId, toDomainEvent: toEvent },
      );
      if (result.state.status !== "exists") throw refusal("RECORD_NOT_FOUND");
      return result.state.record;
    },
    async act(caller, documentId, { requestId, now }, check, build) {
      const result = await handleCommand(
        store,
        recordDecider,
        {
          streamId: recordStreamId(documentId),
          requestId,
          now,
          metadata: (state) => {
            check(existing(state));
            return metadataOf(caller);
          },
          prepare: (state) => build(existing(state)),
        },
        { newEventId, toDomainEvent: toEvent },
      );
      return existing(result.state);
    },
    async appendAccess(caller, documentId, event, now) {
      const metadata = { ...metadataOf(caller), occurredAt: now.toISOString() };
      await store.append(recordStreamId(documentId), [{ id: newEventId(), type: event.type, schemaVersion: 1, data: event.data, metadata }], "any");
    },
    async accessEvents(documentId) {
      return (await store.readStream(recordStreamId(documentId))).filter((event) => event.type === "RecordAccessed");
    },
  };
}

function existing(state: RecordState): MedicalRecord {
  if (state.status !== "exists") throw refusal("RECORD_NOT_FOUND");
  return state.record;
}
