import { CONSULT_ERRORS } from "@ihp/consult";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsultHarness, DIABETES, OTHER_PATIENT, PHYSICIAN, requestId, startConsultHarness } from "./support/consultHarness.js";
import { COMPLETE, ConsultDriver, dataOf } from "./support/consultOperations.js";
import { type Frame, WsClient } from "./support/wsClient.js";

const MESSAGES = `subscription($consultId: ID!) {
  consultMessages(consultId: $consultId) { id consultId senderId senderRole kind text sentAt }
}`;

function delivered(frame: Frame): Record<string, unknown> {
  expect(frame.type, JSON.stringify(frame)).toBe("next");
  return (frame.payload as { data: { consultMessages: Record<string, unknown> } }).data.consultMessages;
}

describe("consultMessages subscription over graphql-transport-ws, backed by WatchMessages", () => {
  let h: ConsultHarness;
  let driver: ConsultDriver;
  const clients: WsClient[] = [];

  async function connect(token: string | undefined): Promise<{ client: WsClient; answer: Frame }> {
    const connection = await WsClient.init(h.wsUrl, token);
    clients.push(connection.client);
    return connection;
  }

  beforeAll(async () => {
    h = await startConsultHarness();
    driver = await ConsultDriver.create(h);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await h?.close();
  });

  it("delivers the history, then each message of the other side in real time, and completes when the consult does", async () => {
    const id = await driver.inProgress();
    dataOf(await driver.send(id, "您好，请描述近况。", driver.physician));

    const patient = await connect(driver.patient);
    const physician = await connect(driver.physician);
    expect([patient.answer.type, physician.answer.type]).toEqual(["connection_ack", "connection_ack"]);
    patient.client.subscribe("p", MESSAGES, { consultId: id });
    physician.client.subscribe("d", MESSAGES, { consultId: id });

    // History first: the message sent before anyone subscribed.
    expect(delivered(await patient.client.next())).toMatchObject({ consultId: id, senderId: PHYSICIAN, senderRole: "PHYSICIAN", kind: "TEXT", text: "您好，请描述近况。" });
    expect(delivered(await physician.client.next())).toMatchObject({ text: "您好，请描述近况。" });

    // Then live: sent through a mutation after both subscriptions delivered their history.
    const sent = dataOf(await driver.send(id, "最近空腹血糖7左右。", driver.patient))["sendMessage"] as { id: string };
    expect(delivered(await physician.client.next())).toMatchObject({ id: sent.id, senderRole: "PATIENT", text: "最近空腹血糖7左右。" });
    expect(delivered(await patient.client.next())).toMatchObject({ id: sent.id });
    const reply = dataOf(await driver.send(id, "继续原方案。", driver.physician))["sendMessage"] as { id: string };
    expect(delivered(await patient.client.next())).toMatchObject({ id: reply.id, senderRole: "PHYSICIAN" });
    expect(delivered(await physician.client.next())).toMatchObject({ id: reply.id });

    // Completing the consult ends the service's stream, and so the subscription.
    dataOf(await h.post(COMPLETE, { input: { requestId: requestId(), consultId: id, summary: "继续原方案。", diagnoses: [DIABETES] } }, driver.physician));
    expect(await patient.client.next()).toMatchObject({ type: "complete", id: "p" });
    expect(await physician.client.next()).toMatchObject({ type: "complete", id: "d" });
  });

  it("refuses a subscriber who is not a participant with NOT_CONSULT_PARTICIPANT", async () => {
    const id = await driver.inProgress();
    const stranger = await connect(await h.token(OTHER_PATIENT, ["patient"]));
    stranger.client.subscribe("s", MESSAGES, { consultId: id });
    expect(await stranger.client.next()).toMatchObject({
      type: "error",
      id: "s",
      payload: [{ message: CONSULT_ERRORS.NOT_CONSULT_PARTICIPANT.en, extensions: { code: "NOT_CONSULT_PARTICIPANT", messageZh: CONSULT_ERRORS.NOT_CONSULT_PARTICIPANT.zh } }],
    });
  });

  it("refuses an unknown consult and a malformed id with the service's codes", async () => {
    const { client } = await connect(driver.patient);
    client.subscribe("u", MESSAGES, { consultId: "0195b000-0000-7000-8000-00000000ffff" });
    expect(await client.next()).toMatchObject({ type: "error", id: "u", payload: [{ extensions: { code: "CONSULT_NOT_FOUND" } }] });
    client.subscribe("m", MESSAGES, { consultId: "nope" });
    expect(await client.next()).toMatchObject({ type: "error", id: "m", payload: [{ extensions: { code: "INVALID_CONSULT_ID" } }] });
  });

  it("refuses a connection without a valid token", async () => {
    const anonymous = await connect(undefined);
    expect(anonymous.answer).toEqual({ type: "connection_error", payload: { message: "Forbidden" } });
    await anonymous.client.closed;
  });
});
