import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import {
  type Consult,
  type ConsultCompletedData,
  type ConsultEvent,
  type ConsultState,
  consultDecider,
  isConsultEventType,
} from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import { consultStreamId } from "./ids.js";

/** A stored event of a consult stream as the decider's event; the log is hash-chained, so the shape is trusted. */
export function toConsultEvent(event: StoredEvent): ConsultEvent {
  if (!isConsultEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as ConsultEvent;
}

export interface ConsultView {
  readonly consult: Consult;
  readonly revision: number;
  readonly history: readonly StoredEvent[];
}

export function stateOf(history: readonly StoredEvent[]): ConsultState {
  return fold(consultDecider, history.map(toConsultEvent));
}

export async function loadConsult(store: EventStore, consultId: string): Promise<ConsultView> {
  const history = await store.readStream(consultStreamId(consultId));
  const state = stateOf(history);
  if (state.status !== "exists") throw refusal("CONSULT_NOT_FOUND");
  return { consult: state.consult, revision: history.at(-1)?.revision ?? 0, history };
}

/** The physician's signed completion, once the consult is completed. */
export function completionOf(view: ConsultView): ConsultCompletedData | undefined {
  const completed = view.history.find((event) => event.type === "ConsultCompleted");
  return completed === undefined ? undefined : (toConsultEvent(completed).data as ConsultCompletedData);
}
