import type { Decider, DomainEvent } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";

/**
 * RX-10 serial numbers: one stream per institution and issue day hands out sequence numbers in order, so a number is
 * derived deterministically (`RX-<YYYYMMDD>-<institution tag>-<sequence>`) and can never be given twice. The same
 * prescription version asking again gets its number back (a retried signing reuses it). The application takes a
 * number only once the version's signature verified (RX-10: a refused signing leaves no gap), so it allocates the
 * number it signed with: `serialNumber`, refused with SERIAL_NUMBER_TAKEN when another signing took it meanwhile.
 */
export type AllocateSerial = {
  readonly type: "AllocateSerial";
  readonly institutionId: string;
  readonly issuedOn: string;
  readonly prescriptionId: string;
  readonly version: number;
  /** The number the document was signed with: allocated only if it is still the next one. */
  readonly serialNumber?: string | undefined;
};

/** The number this version has, or would get now (the next in sequence): what a signing puts in its document. */
export function nextSerial(state: SerialsState, command: Omit<AllocateSerial, "type" | "serialNumber">): string {
  return serialOf(state, command.prescriptionId, command.version) ?? serialNumberFor(command.institutionId, command.issuedOn, state.last + 1);
}

/** The number a prescription version was given, if it was. */
export function serialOf(state: SerialsState, prescriptionId: string, version: number): string | undefined {
  return find(state, (allocation) => allocation.prescriptionId === prescriptionId && allocation.version === version)?.serialNumber;
}

export type SerialNumberAllocatedData = {
  readonly serialNumber: string;
  readonly sequence: number;
  readonly institutionId: string;
  readonly issuedOn: string;
  readonly prescriptionId: string;
  readonly version: number;
};

export type SerialNumberAllocated = DomainEvent<"SerialNumberAllocated", SerialNumberAllocatedData>;

/**
 * A day's allocations, newest first, each linking to the ones before it: evolving adds one link and shares the rest,
 * so folding a day's stream costs time in proportion to its length (copying a map per event made a busy day's fold
 * quadratic, and every signing folds the day). A lookup walks the day's allocations once.
 */
export type SerialsState = {
  readonly last: number;
  readonly latest: Allocation | undefined;
};

export type Allocation = {
  readonly serialNumber: string;
  readonly prescriptionId: string;
  readonly version: number;
  readonly earlier: Allocation | undefined;
};

function find(state: SerialsState, matches: (allocation: Allocation) => boolean): Allocation | undefined {
  for (let allocation = state.latest; allocation !== undefined; allocation = allocation.earlier) if (matches(allocation)) return allocation;
  return undefined;
}

/** The institution's tag in serial numbers: the random tail of its UUID (the head of a UUIDv7 is a timestamp). */
export function serialNumberFor(institutionId: string, issuedOn: string, sequence: number): string {
  const tag = institutionId.replace(/-/g, "").slice(-8).toUpperCase();
  return `RX-${issuedOn.replace(/-/g, "")}-${tag}-${String(sequence).padStart(6, "0")}`;
}

export const serialsDecider: Decider<AllocateSerial, SerialNumberAllocated, SerialsState> = {
  initialState: { last: 0, latest: undefined },
  evolve(state, event) {
    const { serialNumber, sequence, prescriptionId, version } = event.data;
    return { last: Math.max(state.last, sequence), latest: { serialNumber, prescriptionId, version, earlier: state.latest } };
  },
  decide(command, state) {
    if (serialOf(state, command.prescriptionId, command.version) !== undefined) return [];
    const sequence = state.last + 1;
    const serialNumber = serialNumberFor(command.institutionId, command.issuedOn, sequence);
    if (find(state, (allocation) => allocation.serialNumber === serialNumber) !== undefined) return refusal("SERIAL_NUMBER_TAKEN");
    if (command.serialNumber !== undefined && command.serialNumber !== serialNumber) return refusal("SERIAL_NUMBER_TAKEN");
    const { institutionId, issuedOn, prescriptionId, version } = command;
    return [{ type: "SerialNumberAllocated", data: { serialNumber, sequence, institutionId, issuedOn, prescriptionId, version } }];
  },
};
