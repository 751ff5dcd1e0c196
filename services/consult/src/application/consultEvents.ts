import { DomainError, type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import { describeError } from "@ihp/platform";
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
  return viewOfConsult(stateOf(history), history.at(-1)?.revision ?? 0, history);
}

/** The physician's signed completion, once the consult is completed. */
export function completionOf(view: ConsultView): ConsultCompletedData | undefined {
  const completed = view.history.find((event) => event.type === "ConsultCompleted");
  return completed === undefined ? undefined : (toConsultEvent(completed).data as ConsultCompletedData);
}

/** The consult a state holds; CONSULT_NOT_FOUND for none (and for a request that was refused). */
export function existingConsult(state: ConsultState): Consult {
  if (state.status !== "exists") throw refusal("CONSULT_NOT_FOUND");
  return state.consult;
}

export function viewOfConsult(state: ConsultState, revision: number, history: readonly StoredEvent[]): ConsultView {
  return { consult: existingConsult(state), revision, history };
}

/** A repeated request that was refused the first time: its recorded refusal, again. */
export class RecordedRefusal extends DomainError {}

export function recordedRefusal(history: readonly StoredEvent[]): RecordedRefusal {
  const refusedEvent = history.find((event) => event.type === "ConsultRequestRefused");
  const data = refusedEvent?.data as { code?: string; kind?: string; ruleId?: string } | undefined;
  const code = data?.code ?? "FAILED_PRECONDITION";
  const kind = (data?.kind ?? "FAILED_PRECONDITION") as DomainError["kind"];
  return new RecordedRefusal(code, kind, describeError(code, kind).en, data?.ruleId === "" ? undefined : data?.ruleId);
}
