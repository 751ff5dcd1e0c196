import { RegulatorSimulator } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { RegulatorUnreachable } from "../../src/application/delivery/regulatorAdapter.js";
import { jsonPushAdapter } from "../../src/adapters/delivery/jsonPushAdapter.js";
import { ningxiaAnswer, ningxiaXmlAdapter } from "../../src/adapters/delivery/ningxiaXmlAdapter.js";
import { toRegulatorMessage } from "../../src/domain/delivery/regulatorMessage.js";
import { sampleEntries } from "./support/deliverySetup.js";

// How the adapters read the regulator's refusals and silences (REP-04): each becomes a failure code the ledger
// records, never a success.

const simulators: RegulatorSimulator[] = [];
afterEach(async () => {
  for (const simulator of simulators.splice(0)) await simulator.stop();
});

const messages = sampleEntries(2, "yinchuan").map((entry, i) => toRegulatorMessage(`event-${i}`, entry));
const NOW = new Date("2026-12-07T01:00:00Z");

async function simulator(faults?: Parameters<typeof RegulatorSimulator.start>[0]["faults"]): Promise<RegulatorSimulator> {
  const started = await RegulatorSimulator.start({ credential: "right", ...(faults === undefined ? {} : { faults }) });
  simulators.push(started);
  return started;
}

describe("regulator adapters on failure (REP-04)", () => {
  it("REP-04: a rejected credential, a 5xx and a 4xx are failures with their codes; nothing is stored at the regulator", async () => {
    const regulator = await simulator(({ index }) => (index === 2 ? { kind: "status", status: 502 } : index === 3 ? { kind: "status", status: 409 } : undefined));
    const wrong = jsonPushAdapter({ url: regulator.url, credential: "wrong", timeoutMs: 1_000 });
    expect((await wrong.deliver(messages, NOW)).map((outcome) => outcome.ok || outcome.reason)).toEqual(["REGULATOR_CREDENTIAL_REJECTED", "REGULATOR_CREDENTIAL_REJECTED"]);
    const right = jsonPushAdapter({ url: regulator.url, credential: "right", timeoutMs: 1_000 });
    expect((await right.deliver(messages, NOW)).map((outcome) => outcome.ok || outcome.reason)).toEqual(["REGULATOR_SERVER_ERROR", "REGULATOR_SERVER_ERROR"]);
    expect((await right.deliver(messages, NOW)).map((outcome) => outcome.ok || outcome.reason)).toEqual(["REGULATOR_REJECTED", "REGULATOR_REJECTED"]);
    expect(regulator.records()).toEqual([]);
  });

  it("REP-04: no answer within the timeout, or no regulator at all, throws RegulatorUnreachable with its code", async () => {
    const silent = await simulator(() => ({ kind: "hang" }));
    await expect(jsonPushAdapter({ url: silent.url, credential: "right", timeoutMs: 150 }).deliver(messages, NOW)).rejects.toEqual(new RegulatorUnreachable("REGULATOR_TIMEOUT"));
    const gone = await simulator();
    const url = gone.url;
    await gone.stop();
    await expect(jsonPushAdapter({ url, credential: "right", timeoutMs: 1_000 }).deliver(messages, NOW)).rejects.toEqual(new RegulatorUnreachable("REGULATOR_CONNECTION_FAILED"));
  });

  it("REP-04: the XML adapter keeps the answers it got when the regulator goes silent mid-way, and fails the rest", async () => {
    const regulator = await simulator(({ index }) => (index === 2 ? { kind: "hang" } : undefined));
    const adapter = ningxiaXmlAdapter({ url: regulator.url, credential: "right", timeoutMs: 150 }, { senderCode: "S", receiverCode: "R" });
    const outcomes = await adapter.deliver(messages, NOW);
    expect(outcomes.map((outcome) => outcome.ok || outcome.reason)).toEqual([true, "REGULATOR_TIMEOUT"]);
  });

  it("REP-04: an XML answer with a non-zero code, for another message, or unreadable, is not an acknowledgement", () => {
    expect(ningxiaAnswer("m-1", "<Response><Code>0</Code><MessageId>m-1</MessageId><Serial>NX9</Serial></Response>")).toEqual({ messageId: "m-1", ok: true, serial: "NX9" });
    expect(ningxiaAnswer("m-1", "<Response><Code>E12</Code><MessageId>m-1</MessageId><Serial>NX9</Serial></Response>")).toMatchObject({ ok: false, reason: "REGULATOR_REJECTED" });
    expect(ningxiaAnswer("m-1", "<Response><Code>0</Code><MessageId>m-2</MessageId><Serial>NX9</Serial></Response>")).toMatchObject({ ok: false, reason: "REGULATOR_ANSWER_UNREADABLE" });
    expect(ningxiaAnswer("m-1", "<Response><Code>0</Code><MessageId>m-1</MessageId></Response>")).toMatchObject({ ok: false, reason: "REGULATOR_ANSWER_UNREADABLE" });
    expect(ningxiaAnswer("m-1", "not xml <<<")).toMatchObject({ ok: false });
  });
});
