import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { ackLedgerDecider, isDue, type LedgerEvent } from "../../src/domain/delivery/ackLedger.js";
import { nightlyCutoff, retryDelayMs } from "../../src/domain/delivery/schedule.js";

const ids = { messageId: "CONSULT.STARTED:c-1/e-1", jurisdiction: "yinchuan" };
const AT = "2026-12-07T01:00:00.000Z";
const sent = (attempt: number): LedgerEvent => ({ type: "RegulatorMessageSent", data: { ...ids, businessId: "CONSULT.STARTED:c-1", adapter: "json-push", attempt, sentAt: AT } });
const failed = (attempt: number): LedgerEvent => ({ type: "RegulatorDeliveryFailed", data: { ...ids, attempt, reason: "REGULATOR_SERVER_ERROR", nextAttemptAt: "2026-12-07T01:00:05.000Z" } });
const acked: LedgerEvent = { type: "RegulatorMessageAcknowledged", data: { ...ids, serial: "NX1", attempt: 1, acknowledgedAt: AT } };
const dead: LedgerEvent = { type: "RegulatorMessageDeadLettered", data: { ...ids, attempts: 3, reason: "REGULATOR_SERVER_ERROR", at: AT } };
const failure = { type: "RecordFailure", ids, reason: "REGULATOR_SERVER_ERROR", at: AT, nextAttemptAt: "2026-12-07T01:00:05.000Z", maxAttempts: 3 } as const;

describe("ack ledger decider (REP-04)", () => {
  it("REP-04: a send is numbered by attempt; an ack records the regulator's serial", () => {
    given(ackLedgerDecider, [sent(1), failed(1)])
      .when({ type: "RecordSend", ids, businessId: "CONSULT.STARTED:c-1", adapter: "json-push", at: AT })
      .then([sent(2)]);
    given(ackLedgerDecider, [sent(1)]).when({ type: "RecordAck", ids, serial: "NX1", at: AT }).then([acked]);
  });

  it("REP-04: an acknowledgement is final — a duplicate ack appends nothing, a resend is refused", () => {
    given(ackLedgerDecider, [sent(1), acked]).when({ type: "RecordAck", ids, serial: "NX2", at: AT }).then([]);
    given(ackLedgerDecider, [sent(1), acked]).when({ type: "RecordSend", ids, businessId: "b", adapter: "json-push", at: AT }).thenError("REGULATOR_MESSAGE_ACKNOWLEDGED");
    given(ackLedgerDecider, [sent(1), acked]).when(failure).then([]);
  });

  it("REP-04: an ack without a serial is refused", () => {
    given(ackLedgerDecider, [sent(1)]).when({ type: "RecordAck", ids, serial: "", at: AT }).thenError("REGULATOR_SERIAL_MISSING");
  });

  it("REP-04: the failure of the last allowed attempt parks the message in the dead letter; only a replay revives it", () => {
    given(ackLedgerDecider, [sent(1), failed(1)]).when(failure).then([]);
    given(ackLedgerDecider, [sent(1), failed(1), sent(2)]).when(failure).then([failed(2)]);
    given(ackLedgerDecider, [sent(1), failed(1), sent(2), failed(2), sent(3)]).when(failure).then([failed(3), dead]);
    given(ackLedgerDecider, [sent(1), failed(1), sent(2), failed(2), sent(3), failed(3), dead])
      .when({ type: "RecordSend", ids, businessId: "b", adapter: "json-push", at: AT })
      .thenError("REGULATOR_MESSAGE_DEAD_LETTERED");
    given(ackLedgerDecider, [sent(1), failed(1), sent(2), failed(2), sent(3), failed(3), dead])
      .when({ type: "RequestReplay", ids, requestedBy: "operator-1", at: AT })
      .then([{ type: "RegulatorMessageReplayRequested", data: { ...ids, requestedBy: "operator-1", at: AT } }]);
    given(ackLedgerDecider, [sent(1)]).when({ type: "RequestReplay", ids, requestedBy: "operator-1", at: AT }).then([]);
  });

  it("REP-04: a failed message is due again only at its next attempt; acknowledged and dead-lettered ones never", () => {
    const state = { status: "FAILED", attempts: 1, serial: undefined, nextAttemptAt: "2026-12-07T01:00:05.000Z", sentAt: AT } as const;
    expect(isDue(state, new Date("2026-12-07T01:00:04.999Z"))).toBe(false);
    expect(isDue(state, new Date("2026-12-07T01:00:05.000Z"))).toBe(true);
    expect(isDue({ ...state, status: "ACKNOWLEDGED" }, new Date("2027-01-01T00:00:00Z"))).toBe(false);
    expect(isDue({ ...state, status: "DEAD_LETTERED" }, new Date("2027-01-01T00:00:00Z"))).toBe(false);
  });
});

describe("retry schedule (REP-04)", () => {
  it("REP-04: the wait doubles per failed attempt up to the cap, with half of each step jittered", () => {
    const policy = { initialMs: 1_000, maxMs: 10_000, maxAttempts: 5 };
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, 0))).toEqual([500, 1_000, 2_000, 4_000, 5_000]);
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
  });

  it("REP-04: the nightly batch cutoff is midnight Beijing time", () => {
    expect(nightlyCutoff(new Date("2026-12-07T01:00:00.000Z")).toISOString()).toBe("2026-12-06T16:00:00.000Z");
    expect(nightlyCutoff(new Date("2026-12-06T16:00:00.000Z")).toISOString()).toBe("2026-12-06T16:00:00.000Z");
    expect(nightlyCutoff(new Date("2026-12-06T15:59:59.999Z")).toISOString()).toBe("2026-12-05T16:00:00.000Z");
  });
});
