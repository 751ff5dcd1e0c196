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

export type CareRelationship = CareStartedData & { readonly endedAt: string | undefined };

/** A patient's consults as identity knows them (stream identity-care-<patientId>), by consult id. */
export type CareState = { readonly consults: ReadonlyMap<string, CareRelationship> };

/** Redeliveries and replays change nothing: a consult starts once and ends once. */
export const careDecider: Decider<CareCommand, CareEvent, CareState> = {
  initialState: { consults: new Map() },
  evolve(state, event) {
    const consults = new Map(state.consults);
    if (event.type === "CareStarted") consults.set(event.data.consultId, { ...event.data, endedAt: undefined });
    else {
      const known = consults.get(event.data.consultId);
      if (known !== undefined) consults.set(event.data.consultId, { ...known, endedAt: event.data.endedAt });
    }
    return { consults };
  },
  decide(command, state) {
    const known = state.consults.get(command.consultId);
    if (command.type === "RecordCareStarted") {
      if (known !== undefined) return [];
      const { type: _type, ...data } = command;
      return [{ type: "CareStarted", data }];
    }
    if (known === undefined || known.endedAt !== undefined) return [];
    return [{ type: "CareEnded", data: { consultId: command.consultId, endedAt: command.endedAt } }];
  },
};

/**
 * Whether `physicianId`, acting for `institutionId`, is treating the patient at `at`: a consult of theirs with the
 * patient at that institution is open, or ended at most `hoursAfterEnd` ago (prescription review questions and
 * corrections come after the consult closes).
 */
export function isTreating(state: CareState, physicianId: string, institutionId: string, at: Date, hoursAfterEnd: number): boolean {
  const limit = at.getTime() - hoursAfterEnd * 3_600_000;
  for (const care of state.consults.values()) {
    if (care.physicianId !== physicianId || care.institutionId !== institutionId) continue;
    if (care.endedAt === undefined || Date.parse(care.endedAt) >= limit) return true;
  }
  return false;
}
