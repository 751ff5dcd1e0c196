import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import {
  isPractitionerEventType,
  type Practitioner,
  type PractitionerEvent,
  practitionerDecider,
} from "../../domain/practitioners/index.js";
import { practitionerStreamId } from "./ids.js";

/** A stored event of a practitioner stream as the decider's event (written by the decider; the log is hash-chained). */
export function toPractitionerEvent(event: StoredEvent): PractitionerEvent {
  if (!isPractitionerEventType(event.type)) {
    throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  }
  return { type: event.type, data: event.data } as unknown as PractitionerEvent;
}

export interface PractitionerView {
  readonly practitioner: Practitioner;
  readonly revision: number;
}

/** The practitioner as of their stream; undefined when there is none. */
export async function findPractitioner(store: EventStore, practitionerId: string): Promise<PractitionerView | undefined> {
  const history = await store.readStream(practitionerStreamId(practitionerId));
  const last = history.at(-1);
  const state = fold(practitionerDecider, history.map(toPractitionerEvent));
  if (last === undefined || state.status !== "registered") return undefined;
  return { practitioner: state.practitioner, revision: last.revision };
}
