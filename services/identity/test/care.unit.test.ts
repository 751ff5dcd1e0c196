import { fold } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type CareEvent, careDecider, isTreating } from "../src/domain/care/careRelationships.js";

// REC-09, XC-03: a physician reads a patient through a consult between them, open or closed within the read window.
// Issue 15: the pair's state keeps only what that question needs, so it stays small however many consults they had.

const AT = new Date("2026-03-02T02:00:00Z");
const hours = (n: number) => new Date(AT.getTime() + n * 3_600_000);
const started = (consultId: string, institutionId = "inst-1", at = AT): CareEvent => ({
  type: "CareStarted",
  data: { consultId, institutionId, patientId: "patient-1", physicianId: "doctor-1", startedAt: at.toISOString() },
});
const ended = (consultId: string, at: Date): CareEvent => ({ type: "CareEnded", data: { consultId, endedAt: at.toISOString() } });

describe("care relationships", () => {
  it("REC-09: treating while a consult at that institution is open, and for the read window after it ends; not elsewhere", () => {
    const open = fold(careDecider, [started("c-1")]);
    expect(isTreating(open, "inst-1", hours(100), 72)).toBe(true);
    expect(isTreating(open, "inst-2", hours(1), 72)).toBe(false);
    const closed = fold(careDecider, [started("c-1"), ended("c-1", hours(1))]);
    expect(isTreating(closed, "inst-1", hours(73), 72)).toBe(true);
    expect(isTreating(closed, "inst-1", hours(73.1), 72)).toBe(false);
  });

  it("REC-09: the latest end counts, in whatever order consults ended; an end of an unknown consult changes nothing", () => {
    const state = fold(careDecider, [started("c-1"), started("c-2"), ended("c-2", hours(10)), ended("c-1", hours(2)), ended("c-9", hours(50))]);
    expect(isTreating(state, "inst-1", hours(82), 72)).toBe(true);
    expect(isTreating(state, "inst-1", hours(83), 72)).toBe(false);
  });

  it("issue 15: a consult starts once and ends once; the state holds only open consults", () => {
    given(careDecider, [started("c-1")]).when({ type: "RecordCareStarted", ...started("c-1").data } as never).then([]);
    given(careDecider, [started("c-1"), ended("c-1", hours(1))]).when({ type: "RecordCareEnded", consultId: "c-1", endedAt: hours(2).toISOString() }).then([]);
    const many = Array.from({ length: 500 }, (_, i) => [started(`c-${i}`), ended(`c-${i}`, hours(i))]).flat();
    const state = fold(careDecider, many);
    expect(state.open.size).toBe(0);
    expect(state.lastEndedAt.get("inst-1")).toBe(hours(499).toISOString());
  });
});
