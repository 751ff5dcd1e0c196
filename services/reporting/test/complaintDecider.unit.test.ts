import { DomainError } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { complaintDecider, type ComplaintCommand, type ComplaintEvent } from "../src/domain/complaints/complaintDecider.js";
import type { FinishedConsultFacts } from "../src/domain/complaints/finishedConsult.js";
import { ratingDecider, type RateConsult } from "../src/domain/complaints/ratingDecider.js";

const at = "2026-03-02T08:00:00.000Z";
const consult: FinishedConsultFacts = {
  consultId: "consult-1",
  institutionId: "inst-1",
  patientId: "patient-1",
  physicianId: "physician-1",
  departmentCode: "03.07",
  finished: true,
};
const rate = (over: Partial<RateConsult> = {}): RateConsult => ({
  type: "RateConsult",
  consultId: "consult-1",
  score: 5,
  comment: " 很耐心 ",
  raterId: "patient-1",
  consult,
  jurisdiction: "tianjin",
  now: at,
  ...over,
});

describe("REP-04 satisfaction", () => {
  it("REP-04: the patient rates a finished consult; the feed gets the score, never the comment or the patient", () => {
    given(ratingDecider)
      .when(rate())
      .then([
        { type: "ConsultRated", data: { consultId: "consult-1", institutionId: "inst-1", patientId: "patient-1", score: 5, comment: "很耐心", ratedAt: at } },
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "satisfaction:consult-1",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: at,
            category: "SATISFACTION",
            entry: { consultId: "consult-1", physicianId: "physician-1", departmentCode: "03.07", score: 5, ratedAt: at },
          },
        },
      ]);
  });

  it("REP-04: refuses a score outside 1–5, a long comment, an unfinished or someone else's consult, and a second rating", () => {
    for (const score of [0, 6, 2.5]) given(ratingDecider).when(rate({ score })).thenError("RATING_INVALID", "REP-04");
    given(ratingDecider).when(rate({ comment: "x".repeat(501) })).thenError("RATING_INVALID");
    given(ratingDecider).when(rate({ consult: { ...consult, finished: false } })).thenError("CONSULT_NOT_FINISHED", "REP-04");
    given(ratingDecider).when(rate({ raterId: "patient-2" })).thenError("CONSULT_NOT_FINISHED");
    given(ratingDecider).when(rate({ consult: undefined })).thenError("CONSULT_NOT_FINISHED");
    const first = ratingDecider.decide(rate(), ratingDecider.initialState);
    if (first instanceof DomainError) throw first;
    given(ratingDecider, first).when(rate()).thenError("CONSULT_ALREADY_RATED", "REP-04");
  });
});

describe("REP-04 complaints", () => {
  const file = (over: Partial<Extract<ComplaintCommand, { type: "FileComplaint" }>> = {}): ComplaintCommand => ({
    type: "FileComplaint",
    complaintId: "c-1",
    consultId: "consult-1",
    categoryCode: "WAITING_TIME",
    text: "等待过久",
    complainantId: "patient-1",
    consult,
    acknowledgeBy: "2026-03-03",
    resolveBy: "2026-03-09",
    jurisdiction: "tianjin",
    now: at,
    ...over,
  });
  const advance = (status: string, over: Partial<Extract<ComplaintCommand, { type: "AdvanceComplaint" }>> = {}): ComplaintCommand => ({
    type: "AdvanceComplaint",
    complaintId: "c-1",
    status,
    note: "",
    handlerId: "admin-1",
    actingFor: "inst-1",
    today: "2026-03-03",
    jurisdiction: "tianjin",
    now: "2026-03-03T02:00:00.000Z",
    ...over,
  });
  const run = (commands: ComplaintCommand[]): ComplaintEvent[] => {
    const history: ComplaintEvent[] = [];
    for (const command of commands) {
      let state = complaintDecider.initialState;
      for (const event of history) state = complaintDecider.evolve(state, event);
      const outcome = complaintDecider.decide(command, state);
      if (outcome instanceof DomainError) throw outcome;
      history.push(...outcome);
    }
    return history;
  };
  const fed = (events: ComplaintEvent[]) => events.flatMap((e) => (e.type === "FeedEntryRecorded" ? [e.data] : []));

  it("REP-04: received → investigating → resolved, each change fed with codes only and whether it was late", () => {
    const history = run([file(), advance("INVESTIGATING"), advance("RESOLVED", { note: "已说明并改进", today: "2026-03-10", now: "2026-03-10T02:00:00.000Z" })]);
    expect(fed(history).map((d) => d.entry)).toEqual([
      { complaintId: "c-1", consultId: "consult-1", categoryCode: "WAITING_TIME", status: "RECEIVED", at, late: false },
      { complaintId: "c-1", consultId: "consult-1", categoryCode: "WAITING_TIME", status: "INVESTIGATING", at: "2026-03-03T02:00:00.000Z", late: false },
      { complaintId: "c-1", consultId: "consult-1", categoryCode: "WAITING_TIME", status: "RESOLVED", at: "2026-03-10T02:00:00.000Z", late: true },
    ]);
    expect(JSON.stringify(fed(history))).not.toContain("等待过久");
    expect(JSON.stringify(fed(history))).not.toContain("已说明并改进");
  });

  it("REP-04: the workflow refuses skipped steps, closing without a note, another institution and changes after closing", () => {
    const received = run([file()]);
    given(complaintDecider, received).when(advance("RESOLVED", { note: "x" })).thenError("COMPLAINT_TRANSITION_NOT_ALLOWED", "REP-04");
    const investigating = run([file(), advance("INVESTIGATING")]);
    given(complaintDecider, investigating).when(advance("REJECTED")).thenError("COMPLAINT_NOTE_REQUIRED", "REP-04");
    given(complaintDecider, investigating).when(advance("RESOLVED", { actingFor: "inst-2", note: "x" })).thenError("COMPLAINT_NOT_FOUND", "REP-04");
    const rejected = run([file(), advance("INVESTIGATING"), advance("REJECTED", { note: "查无实据" })]);
    given(complaintDecider, rejected).when(advance("INVESTIGATING")).thenError("COMPLAINT_TRANSITION_NOT_ALLOWED");
    given(complaintDecider, received).when(file()).thenError("COMPLAINT_ALREADY_FILED", "REP-04");
  });

  it("REP-04: a complaint needs a known category, a text, and a finished consult of the complainant", () => {
    given(complaintDecider).when(file({ categoryCode: "PRICE" })).thenError("COMPLAINT_INVALID", "REP-04");
    given(complaintDecider).when(file({ text: " " })).thenError("COMPLAINT_INVALID");
    given(complaintDecider).when(file({ complainantId: "patient-2" })).thenError("CONSULT_NOT_FINISHED", "REP-04");
    given(complaintDecider).when(file({ consult: { ...consult, finished: false } })).thenError("CONSULT_NOT_FINISHED");
  });
  it("REP-04: the scheduled check alerts once per missed deadline of an open complaint; a closed one never", () => {
    const check = (today: string): ComplaintCommand => ({ type: "FlagOverdueComplaint", complaintId: "c-1", today, now: `${today}T01:00:00.000Z` });
    const received = run([file()]);
    given(complaintDecider, received).when(check("2026-03-03")).then([]);
    const late = run([file(), check("2026-03-10")]);
    expect(late.filter((e) => e.type === "ComplaintOverdue").map((e) => e.data)).toEqual([
      { complaintId: "c-1", stage: "ACKNOWLEDGE", dueDay: "2026-03-03", flaggedAt: "2026-03-10T01:00:00.000Z" },
      { complaintId: "c-1", stage: "RESOLVE", dueDay: "2026-03-09", flaggedAt: "2026-03-10T01:00:00.000Z" },
    ]);
    given(complaintDecider, late).when(check("2026-03-11")).then([]);
    given(complaintDecider, run([file(), advance("INVESTIGATING")])).when(check("2026-03-04")).then([]);
    given(complaintDecider, run([file(), advance("INVESTIGATING"), advance("REJECTED", { note: "查无实据" })])).when(check("2026-03-20")).then([]);
  });
});
