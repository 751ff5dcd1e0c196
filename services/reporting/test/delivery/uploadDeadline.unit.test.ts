import { CN_WORKING_DAYS } from "@ihp/jurisdiction";
import { describe, expect, it } from "vitest";
import { uploadDeadlines } from "../../src/application/delivery/uploadDeadlines.js";
import { INITIAL_LEDGER_STATE, type LedgerState } from "../../src/domain/delivery/ackLedger.js";
import { median, type SummaryInput, summarizeDelivery } from "../../src/domain/delivery/deliverySummary.js";
import { type MessageType, toRegulatorMessage } from "../../src/domain/delivery/regulatorMessage.js";
import { isUploadOverdue, uploadDueOn } from "../../src/domain/delivery/uploadDeadline.js";
import type { FeedEntryRecordedData } from "../../src/domain/feed/entries.js";

// REP-02: licence and staff uploads the regulator has not acknowledged within 7 CN working days (Beijing days, the
// State Council's holiday calendar with its 调休 working weekends) are overdue from the day after the 7th.

describe("REP-02 upload deadline (pure)", () => {
  it("REP-02: across the 2026 National Day holiday, day 7 is on time and day 8 is overdue", () => {
    // Tue 2026-09-29 (Beijing): Sep 30 is day 1, Oct 1–7 are holidays, Oct 8, 9, Sat Oct 10 (调休 working), 12, 13, 14.
    const due = uploadDueOn(new Date("2026-09-29T02:00:00Z"), 7, CN_WORKING_DAYS);
    expect(due).toBe("2026-10-14");
    expect(isUploadOverdue(due, new Date("2026-10-14T15:59:59Z"))).toBe(false); // 23:59:59 Beijing on day 7
    expect(isUploadOverdue(due, new Date("2026-10-14T16:00:00Z"))).toBe(true); // 00:00 Beijing on day 8
  });

  it("REP-02: the change's Beijing day counts, not its UTC day", () => {
    // 15:00Z and 17:00Z on 29 Sep are the same UTC day but 29 and 30 Sep in Beijing: the Beijing day decides.
    expect(uploadDueOn(new Date("2026-09-29T15:00:00Z"), 7, CN_WORKING_DAYS)).toBe("2026-10-14");
    expect(uploadDueOn(new Date("2026-09-29T17:00:00Z"), 7, CN_WORKING_DAYS)).toBe("2026-10-15");
  });

  it("REP-02: the working days come from the jurisdiction's profile (7 everywhere today, national for an unregistered institution)", () => {
    const dueOn = uploadDeadlines(CN_WORKING_DAYS);
    expect(dueOn(new Date("2026-09-29T02:00:00Z"), "tianjin")).toBe("2026-10-14");
    expect(dueOn(new Date("2026-09-29T02:00:00Z"), "unknown")).toBe("2026-10-14");
  });

  it("REP-02: a deadline that runs into a year the calendar does not have is refused, not guessed", () => {
    expect(() => uploadDueOn(new Date("2026-12-28T02:00:00Z"), 7, CN_WORKING_DAYS)).toThrow(/CN|covers/);
  });
});

const header = { institutionId: "inst-1", jurisdiction: "tianjin" } as const;

function input(type: MessageType, occurredAt: string, state: Partial<LedgerState>, entry: Record<string, unknown> = {}, recordedAt = occurredAt): SummaryInput {
  const [category, kind] = type.split(".");
  const data = { ...header, sourceEventId: `s-${occurredAt}`, occurredAt, category, ...(kind === undefined ? {} : { kind }), entry } as unknown as FeedEntryRecordedData;
  return { message: toRegulatorMessage(`event-${occurredAt}`, data), recordedAt, state: { ...INITIAL_LEDGER_STATE, ...state } };
}

describe("delivery summary for the dashboard (REP-04, REP-02)", () => {
  const now = new Date("2026-10-15T02:00:00Z"); // 10:00 Beijing, 2026-10-15
  const dueOn = uploadDeadlines(CN_WORKING_DAYS);

  it("REP-02: unacknowledged licence and staff uploads are listed with their due day, overdue past it; acknowledged ones are not", () => {
    const summary = summarizeDelivery(
      [
        input("INSTITUTION_LICENCE", "2026-09-29T02:00:00.000Z", { status: "SENT", attempts: 1 }),
        input("STAFF_RECORD", "2026-09-30T02:00:00.000Z", { status: "FAILED", attempts: 2 }, { practitionerId: "prac-1" }),
        input("STAFF_RECORD", "2026-09-28T02:00:00.000Z", { status: "ACKNOWLEDGED", acknowledgedAt: "2026-09-28T03:00:00.000Z" }, { practitionerId: "prac-2" }),
        input("CONSULT.STARTED", "2026-09-27T02:00:00.000Z", { status: "DEAD_LETTERED", attempts: 12 }, { consultId: "c-1" }),
      ],
      now,
      dueOn,
    );
    expect(summary.pendingUploads).toEqual([
      { kind: "LICENCE", subjectId: "inst-1", institutionId: "inst-1", changedAt: "2026-09-29T02:00:00.000Z", dueOn: "2026-10-14", overdue: true },
      { kind: "STAFF", subjectId: "prac-1", institutionId: "inst-1", changedAt: "2026-09-30T02:00:00.000Z", dueOn: "2026-10-15", overdue: false },
    ]);
    expect(summary).toMatchObject({ unacknowledged: 3, deadLettered: 1, oldestUnacknowledgedAt: "2026-09-27T02:00:00.000Z", asOf: now.toISOString() });
    // The only acknowledgement is older than 24 h.
    expect(summary.ackLagMedianSeconds).toBeUndefined();
  });

  it("REP-04: the ack lag is the median from the entry's creation to its acknowledgement, over the last 24 h only", () => {
    const acked = (recordedAt: string, acknowledgedAt: string) => input("CONSULT.STARTED", recordedAt, { status: "ACKNOWLEDGED", acknowledgedAt }, { consultId: recordedAt });
    const summary = summarizeDelivery(
      [
        acked("2026-10-15T01:00:00.000Z", "2026-10-15T01:00:10.000Z"), // 10 s
        acked("2026-10-15T01:10:00.000Z", "2026-10-15T01:10:30.000Z"), // 30 s
        acked("2026-10-15T01:20:00.000Z", "2026-10-15T01:21:40.000Z"), // 100 s
        acked("2026-10-13T01:00:00.000Z", "2026-10-14T01:00:00.000Z"), // older than 24 h: out
      ],
      now,
      dueOn,
    );
    expect(summary.ackLagMedianSeconds).toBe(30);
    expect(summary).toMatchObject({ unacknowledged: 0, deadLettered: 0, oldestUnacknowledgedAt: undefined, pendingUploads: [] });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
