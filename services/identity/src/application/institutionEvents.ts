import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import {
  type Institution,
  type InstitutionEvent,
  institutionDecider,
  isInstitutionEventType,
} from "../domain/institutions/index.js";
import { refusal } from "../domain/errors.js";

/**
 * A stored event of an institution stream as the decider's event. The data was written by the decider from checked
 * values and the log is hash-chained, so the shape is trusted; a type this service never writes there is corruption.
 */
export function toInstitutionEvent(event: StoredEvent): InstitutionEvent {
  if (!isInstitutionEventType(event.type)) {
    throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  }
  return { type: event.type, data: event.data } as unknown as InstitutionEvent;
}

/** An institution as of its stream, with the stream's revision (what the contract's Institution.revision reports). */
export interface InstitutionView {
  readonly institution: Institution;
  readonly revision: number;
}

/** Folds an institution's stream. Undefined when it has no events. */
export function viewOf(history: readonly StoredEvent[]): InstitutionView | undefined {
  const last = history.at(-1);
  const state = fold(institutionDecider, history.map(toInstitutionEvent));
  if (last === undefined || state.status !== "registered") return undefined;
  return { institution: state.institution, revision: last.revision };
}

export async function loadInstitution(store: EventStore, streamId: string): Promise<InstitutionView> {
  const view = viewOf(await store.readStream(streamId));
  if (view === undefined) throw refusal("INSTITUTION_NOT_FOUND");
  return view;
}
