import { describe, expect, it } from "vitest";
import { DomainError, fold } from "@ihp/eventsourcing";
import { nextSerial, type SerialNumberAllocated, serialOf, serialsDecider, type SerialsState } from "../src/domain/serials/serials.js";

const INSTITUTION = "0190a6b2-7c1e-7a4b-8c2d-3e4f5a6b7c8d";
const DAY = "2026-03-02";

function allocate(state: SerialsState, prescriptionId: string, version = 1, serialNumber?: string): SerialNumberAllocated[] | DomainError {
  const decided = serialsDecider.decide({ type: "AllocateSerial", institutionId: INSTITUTION, issuedOn: DAY, prescriptionId, version, serialNumber }, state);
  return decided instanceof DomainError ? decided : [...decided];
}

/** A day on which `count` prescriptions were each given the next number. */
function dayOf(count: number): SerialsState {
  let state = serialsDecider.initialState;
  for (let i = 1; i <= count; i++) {
    const events = allocate(state, `rx-${i}`);
    if (events instanceof DomainError) throw events;
    state = fold({ ...serialsDecider, initialState: state }, events);
  }
  return state;
}

describe("RX-10 serial numbers of one institution and day", () => {
  it("hands out numbers in sequence, tagged with the institution and the day", () => {
    const state = dayOf(3);
    expect(state.last).toBe(3);
    expect(serialOf(state, "rx-1", 1)).toBe("RX-20260302-5A6B7C8D-000001");
    expect(serialOf(state, "rx-3", 1)).toBe("RX-20260302-5A6B7C8D-000003");
    expect(nextSerial(state, { institutionId: INSTITUTION, issuedOn: DAY, prescriptionId: "rx-4", version: 1 })).toBe("RX-20260302-5A6B7C8D-000004");
  });

  it("gives a version that already has a number the same number again, and records nothing", () => {
    const state = dayOf(3);
    expect(allocate(state, "rx-2")).toEqual([]);
    expect(nextSerial(state, { institutionId: INSTITUTION, issuedOn: DAY, prescriptionId: "rx-2", version: 1 })).toBe("RX-20260302-5A6B7C8D-000002");
    // Another version of the same prescription is another document: it gets the next number.
    const next = allocate(state, "rx-2", 2);
    expect(next instanceof DomainError ? next.code : next[0]?.data.serialNumber).toBe("RX-20260302-5A6B7C8D-000004");
  });

  it("refuses a number that is no longer the next one with SERIAL_NUMBER_TAKEN (a signing raced another)", () => {
    const refused = allocate(dayOf(3), "rx-9", 1, "RX-20260302-5A6B7C8D-000003");
    expect(refused instanceof DomainError ? refused.code : "allocated").toBe("SERIAL_NUMBER_TAKEN");
  });

  it("evolving adds one allocation and leaves the earlier state as it was (a day's fold is linear, not a copy per event)", () => {
    const before = dayOf(2);
    const events = allocate(before, "rx-3");
    if (events instanceof DomainError) throw events;
    const after = fold({ ...serialsDecider, initialState: before }, events);
    expect(after.latest?.earlier).toBe(before.latest);
    expect(before.last).toBe(2);
    expect(serialOf(before, "rx-3", 1)).toBeUndefined();
  });

  it("a busy day's thousands of numbers stay unique and in order", () => {
    const state = dayOf(5_000);
    const seen = new Set<string>();
    for (let allocation = state.latest; allocation !== undefined; allocation = allocation.earlier) seen.add(allocation.serialNumber);
    expect(seen.size).toBe(5_000);
    expect(state.latest?.serialNumber).toBe("RX-20260302-5A6B7C8D-005000");
  });
});
