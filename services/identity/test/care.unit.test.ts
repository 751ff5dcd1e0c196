import { DomainError, type EventStore, fold, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { careStreamId, createCareRelationships } from "../src/application/care/careRelationships.js";
import { type CareChanged, careDecider, type CareStartedData, type CareState, consultCareDecider, isTreating } from "../src/domain/care/careRelationships.js";

// REC-09, XC-03: a physician reads a patient through a consult between them, open or closed within the read window.
// Issue 15: a pair's care is carried whole by its last event, so reading it costs the same after any number of consults.

const AT = new Date("2026-03-02T02:00:00Z");
const hours = (n: number) => new Date(AT.getTime() + n * 3_600_000);
const consult = (consultId: string, institutionId = "inst-1"): CareStartedData => ({
  consultId,
  institutionId,
  patientId: "patient-1",
  physicianId: "doctor-1",
  startedAt: AT.toISOString(),
});
const sync = (id: string, endedAt?: Date, institutionId = "inst-1") => ({ type: "SyncCare" as const, consult: consult(id, institutionId), endedAt: endedAt?.toISOString() });

/** The pair's state after syncing these facts in order (each decided on the state before it). */
function after(...commands: ReturnType<typeof sync>[]): CareState {
  const events: CareChanged[] = [];
  for (const command of commands) {
    const decided = careDecider.decide(command, fold(careDecider, events));
    if (decided instanceof DomainError) throw decided;
    events.push(...decided);
  }
  return fold(careDecider, events.slice(-1));
}

describe("care relationships", () => {
  it("REC-09: treating while a consult at that institution is open, and for the read window after it ends; not elsewhere", () => {
    const open = after(sync("c-1"));
    expect(isTreating(open, "inst-1", hours(100), 72)).toBe(true);
    expect(isTreating(open, "inst-2", hours(1), 72)).toBe(false);
    const closed = after(sync("c-1"), sync("c-1", hours(1)));
    expect(isTreating(closed, "inst-1", hours(73), 72)).toBe(true);
    expect(isTreating(closed, "inst-1", hours(73.1), 72)).toBe(false);
  });

  it("REC-09: the latest end counts, in whatever order ends arrive; an end whose start never reached the pair still counts", () => {
    const state = after(sync("c-1"), sync("c-2"), sync("c-2", hours(10)), sync("c-1", hours(2)), sync("c-9", hours(5)));
    expect(state.open).toEqual([]);
    expect(isTreating(state, "inst-1", hours(82), 72)).toBe(true);
    expect(isTreating(state, "inst-1", hours(83), 72)).toBe(false);
  });

  it("issue 15: syncing a consult again changes nothing, and the last event alone holds the pair's care", () => {
    const opened: CareChanged = { type: "CareChanged", data: { open: [consult("c-1")], lastEndedAt: {}, patientId: "patient-1", physicianId: "doctor-1", consultId: "c-1" } };
    given(careDecider).when(sync("c-1")).then([opened]);
    given(careDecider, [opened]).when(sync("c-1")).then([]);
    const many = Array.from({ length: 200 }, (_, i) => [sync(`c-${i}`), sync(`c-${i}`, hours(i))]).flat();
    const state = after(...many, sync("c-300"));
    expect(state.open.map((open) => open.consultId)).toEqual(["c-300"]);
    expect(state.lastEndedAt).toEqual({ "inst-1": hours(199).toISOString() });
    given(careDecider, [{ ...opened, data: { ...opened.data, open: [], lastEndedAt: { "inst-1": hours(199).toISOString() } } }]).when(sync("c-7", hours(7))).then([]);
  });

  it("issue 15: a consult starts once and ends once, and only after it started", () => {
    const started = { type: "CareStarted" as const, data: consult("c-1") };
    given(consultCareDecider).when({ type: "RecordCareEnded", consultId: "c-1", endedAt: hours(1).toISOString() }).then([]);
    given(consultCareDecider, [started]).when({ type: "RecordCareStarted", ...consult("c-1") }).then([]);
    const ended = { type: "CareEnded" as const, data: { consultId: "c-1", endedAt: hours(1).toISOString() } };
    given(consultCareDecider, [started, ended]).when({ type: "RecordCareEnded", consultId: "c-1", endedAt: hours(2).toISOString() }).then([]);
  });

  it("REC-09: a consult fact and the pair's care it changes are one commit; an end before its start writes nothing and is thrown for redelivery", async () => {
    const inner = SqliteEventStore.open({ path: ":memory:" });
    const batches: string[][] = [];
    const store = new Proxy(inner, {
      get(target, property) {
        if (property === "append") throw new Error("care writes go through appendMany");
        if (property === "appendMany") return (batch: Parameters<EventStore["appendMany"]>[0]) => (batches.push(batch.map((part) => part.streamId)), target.appendMany(batch));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const care = createCareRelationships({ store, newId: uuidv7, hoursAfterEnd: 24 });
    const source = { messageId: "m-1", correlationId: "c-1" };
    await expect(care.ended({ consultId: "c-1", endedAt: hours(1).toISOString(), institutionId: "inst-1" }, source)).rejects.toThrow(/ended before identity learnt/);
    expect(await inner.readAll({ limit: 100 })).toEqual([]);
    await care.started(consult("c-1"), source);
    await care.ended({ consultId: "c-1", endedAt: hours(1).toISOString(), institutionId: "inst-1" }, source);
    await care.ended({ consultId: "c-1", endedAt: hours(1).toISOString(), institutionId: "inst-1" }, source);
    const pair = careStreamId("patient-1", "doctor-1");
    expect(batches).toEqual([
      ["identity-care-consult-c-1", pair],
      ["identity-care-consult-c-1", pair],
    ]);
    expect((await inner.readAll({ limit: 100 })).map((event) => event.type)).toEqual(["CareStarted", "CareChanged", "CareEnded", "CareChanged"]);
    expect(await care.isTreating({ physicianId: "doctor-1", institutionId: "inst-1", patientId: "patient-1", at: hours(2) })).toBe(true);
    expect(await care.isTreating({ physicianId: "doctor-1", institutionId: "inst-1", patientId: "patient-1", at: hours(26) })).toBe(false);
    await inner.close();
  });
});
