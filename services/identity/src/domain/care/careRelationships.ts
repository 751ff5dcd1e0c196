import type { Decider, DomainEvent } from "@ihp/eventsourcing";

// REC-09, XC-03: a physician reads a patient's identity facts only through a care relationship — a consult between
// them that is open, or closed within the read window. Identity learns consults from consult's integration events
// (ConsultStarted, ConsultCompleted, ConsultTerminated), never from consult's store. Pure: no I/O, no clock.

export type CareStartedData = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId: string;
  /** ISO instant the consult started. */
  readonly startedAt: string;
};

export type CareEndedData = {
  readonly consultId: string;
  /** ISO instant the consult was completed or terminated. */
  readonly endedAt: string;
};

export type CareStarted = DomainEvent<"CareStarted", CareStartedData>;
export type CareEnded = DomainEvent<"CareEnded", CareEndedData>;
export type CareEvent = CareStarted | CareEnded;

export function isCareEventType(type: string): type is CareEvent["type"] {
  return type === "CareStarted" || type === "CareEnded";
}

export type CareCommand =
  | ({ readonly type: "RecordCareStarted" } & CareStartedData)
  | ({ readonly type: "RecordCareEnded" } & CareEndedData);

/** One consult as identity knows it (stream identity-care-consult-<consultId>): its start, and its end once known. */
export type ConsultCare = { readonly started: CareStartedData | undefined; readonly endedAt: string | undefined };

/** Redeliveries and replays change nothing: a consult starts once and ends once, and only after it started. */
export const consultCareDecider: Decider<CareCommand, CareEvent, ConsultCare> = {
  initialState: { started: undefined, endedAt: undefined },
  evolve: (state, event) => (event.type === "CareStarted" ? { ...state, started: event.data } : { ...state, endedAt: event.data.endedAt }),
  decide(command, state) {
    if (command.type === "RecordCareStarted") {
      if (state.started !== undefined) return [];
      const { type: _type, ...data } = command;
      return [{ type: "CareStarted", data }];
    }
    if (state.started === undefined || state.endedAt !== undefined) return [];
    return [{ type: "CareEnded", data: { consultId: command.consultId, endedAt: command.endedAt } }];
  },
};

/**
 * The care between one patient and one physician (stream identity-care-<patientId>-<physicianId>): their consults still
 * open, and per institution when the last one ended. Each event carries the whole of it, so the stream is read by its
 * last event only (issue 15): the same cost after a thousand consults as after one.
 */
export type CareState = {
  readonly open: readonly CareStartedData[];
  /** Institution id → the latest ISO instant a consult of the pair there ended. */
  readonly lastEndedAt: Readonly<Record<string, string>>;
};
export type CareChangedData = {
  readonly open: CareStartedData[];
  readonly lastEndedAt: Record<string, string>;
  readonly patientId: string;
  readonly physicianId: string;
  readonly consultId: string;
};
export type CareChanged = DomainEvent<"CareChanged", CareChangedData>;

/** Brings the pair's care in line with what one consult's stream says of it (started, perhaps ended). */
export type SyncCare = { readonly type: "SyncCare"; readonly consult: CareStartedData; readonly endedAt: string | undefined };

function synced(state: CareState, { consult, endedAt }: SyncCare): CareState {
  const others = state.open.filter((open) => open.consultId !== consult.consultId);
  if (endedAt === undefined) return others.length === state.open.length ? { ...state, open: [...state.open, consult] } : state;
  const previous = state.lastEndedAt[consult.institutionId];
  const later = previous === undefined || Date.parse(previous) < Date.parse(endedAt);
  if (!later && others.length === state.open.length) return state;
  return { open: others, lastEndedAt: later ? { ...state.lastEndedAt, [consult.institutionId]: endedAt } : state.lastEndedAt };
}

/** Idempotent: syncing a consult again, or an older end after a later one, changes nothing. */
export const careDecider: Decider<SyncCare, CareChanged, CareState> = {
  initialState: { open: [], lastEndedAt: {} },
  evolve: (_state, event) => ({ open: event.data.open, lastEndedAt: event.data.lastEndedAt }),
  decide(command, state) {
    const next = synced(state, command);
    if (next === state) return [];
    const { patientId, physicianId, consultId } = command.consult;
    return [{ type: "CareChanged", data: { open: [...next.open], lastEndedAt: { ...next.lastEndedAt }, patientId, physicianId, consultId } }];
  },
};

/**
 * Whether the pair's physician, acting for `institutionId`, is treating the patient at `at`: a consult of theirs with
 * the patient at that institution is open, or ended at most `hoursAfterEnd` ago (prescription review questions and
 * corrections come after the consult closes).
 */
export function isTreating(state: CareState, institutionId: string, at: Date, hoursAfterEnd: number): boolean {
  if (state.open.some((care) => care.institutionId === institutionId)) return true;
  const ended = state.lastEndedAt[institutionId];
  return ended !== undefined && Date.parse(ended) >= at.getTime() - hoursAfterEnd * 3_600_000;
}
