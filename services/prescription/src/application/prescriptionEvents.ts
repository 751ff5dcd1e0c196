import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import type { DrugCatalogue } from "@ihp/drug-catalogue";
import { refusal } from "../domain/errors.js";
import {
  initialState,
  isPrescriptionEventType,
  type Prescription,
  type PrescriptionEvent,
  prescriptionDecider,
  type PrescriptionState,
} from "../domain/prescriptions/index.js";

/** A stored event of a prescription stream as the decider's event (the decider wrote it from checked values). */
export function toPrescriptionEvent(event: StoredEvent): PrescriptionEvent {
  if (!isPrescriptionEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as PrescriptionEvent;
}

export interface PrescriptionView {
  readonly prescription: Prescription;
  readonly revision: number;
}

export async function loadPrescription(store: EventStore, catalogue: DrugCatalogue, streamId: string): Promise<PrescriptionView> {
  const history = await store.readStream(streamId);
  const state = fold(prescriptionDecider(catalogue), history.filter((e) => isPrescriptionEventType(e.type)).map(toPrescriptionEvent));
  return viewOf(state, history.at(-1)?.revision ?? -1);
}

/** The prescription a state holds; PRESCRIPTION_NOT_FOUND for a stream without one. */
export function existingPrescription(state: PrescriptionState): Prescription {
  if (state === initialState || state.status === "none") throw refusal("PRESCRIPTION_NOT_FOUND");
  return state;
}

export function viewOf(state: PrescriptionState, revision: number): PrescriptionView {
  return { prescription: existingPrescription(state), revision };
}
