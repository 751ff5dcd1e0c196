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

/**
 * The care between one patient and one physician (stream identity-care-<patientId>-<physicianId>): their consults
 * still open, and per institution when the last one ended. Small whatever the pair's history: a fold costs a few
 * operations per event (issue 15).
 */
export type CareState = {
  readonly open: ReadonlyMap<string, CareStartedData>;
  /** Institution id → the latest ISO instant a consult of the pair there ended. */
  readonly lastEndedAt: ReadonlyMap<string, string>;
};

/** Redeliveries and replays change nothing: a consult starts once and ends once. */
export const careDecider: Decider<CareCommand, CareEvent, CareState> = {
  initialState: { open: new Map(), lastEndedAt: new Map() },
  evolve(state, event) {
    if (event.type === "CareStarted") return { ...state, open: new Map(state.open).set(event.data.consultId, event.data) };
    const known = state.open.get(event.data.consultId);
    if (known === undefined) return state;
    const open = new Map(state.open);
    open.delete(event.data.consultId);
    const previous = state.lastEndedAt.get(known.institutionId);
    if (previous !== undefined && Date.parse(previous) >= Date.parse(event.data.endedAt)) return { ...state, open };
    return { open, lastEndedAt: new Map(state.lastEndedAt).set(known.institutionId, event.data.endedAt) };
  },
  decide(command, state) {
    const open = state.open.has(command.consultId);
    if (command.type === "RecordCareStarted") {
      if (open) return [];
      const { type: _type, ...data } = command;
      return [{ type: "CareStarted", data }];
    }
    if (!open) return [];
    return [{ type: "CareEnded", data: { consultId: command.consultId, endedAt: command.endedAt } }];
  },
};

/**
 * Whether the pair's physician, acting for `institutionId`, is treating the patient at `at`: a consult of theirs with
 * the patient at that institution is open, or ended at most `hoursAfterEnd` ago (prescription review questions and
 * corrections come after the consult closes).
 */
export function isTreating(state: CareState, institutionId: string, at: Date, hoursAfterEnd: number): boolean {
  for (const care of state.open.values()) if (care.institutionId === institutionId) return true;
  const ended = state.lastEndedAt.get(institutionId);
  return ended !== undefined && Date.parse(ended) >= at.getTime() - hoursAfterEnd * 3_600_000;
}
