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
  return state.byVersion.get(versionKey(command.prescriptionId, command.version)) ?? serialNumberFor(command.institutionId, command.issuedOn, state.last + 1);
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

export type SerialsState = {
  readonly last: number;
  readonly byVersion: ReadonlyMap<string, string>;
  readonly taken: ReadonlySet<string>;
};

export function versionKey(prescriptionId: string, version: number): string {
  return `${prescriptionId}#${version}`;
}

/** The institution's tag in serial numbers: the random tail of its UUID (the head of a UUIDv7 is a timestamp). */
export function serialNumberFor(institutionId: string, issuedOn: string, sequence: number): string {
  const tag = institutionId.replace(/-/g, "").slice(-8).toUpperCase();
  return `RX-${issuedOn.replace(/-/g, "")}-${tag}-${String(sequence).padStart(6, "0")}`;
}

export const serialsDecider: Decider<AllocateSerial, SerialNumberAllocated, SerialsState> = {
  initialState: { last: 0, byVersion: new Map(), taken: new Set() },
  evolve(state, event) {
    const { serialNumber, sequence, prescriptionId, version } = event.data;
    return {
      last: Math.max(state.last, sequence),
      byVersion: new Map(state.byVersion).set(versionKey(prescriptionId, version), serialNumber),
      taken: new Set(state.taken).add(serialNumber),
    };
  },
  decide(command, state) {
    if (state.byVersion.has(versionKey(command.prescriptionId, command.version))) return [];
    const sequence = state.last + 1;
    const serialNumber = serialNumberFor(command.institutionId, command.issuedOn, sequence);
    if (state.taken.has(serialNumber)) return refusal("SERIAL_NUMBER_TAKEN");
    if (command.serialNumber !== undefined && command.serialNumber !== serialNumber) return refusal("SERIAL_NUMBER_TAKEN");
    const { institutionId, issuedOn, prescriptionId, version } = command;
    return [{ type: "SerialNumberAllocated", data: { serialNumber, sequence, institutionId, issuedOn, prescriptionId, version } }];
  },
};
