import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegulatorDeliveryServiceService } from "@ihp/contracts/reporting";
import { InProcessBus } from "@ihp/messaging";
import { RegulatorSimulator, waitFor } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { MESSAGE_SCHEMAS } from "../../src/domain/delivery/regulatorMessage.js";
import { consultStarted, SECRETS, staffRecordChanged } from "../support/activityEvents.js";
import { type Harness, refusal, startHarness } from "../support/harness.js";
import { institution, registered } from "../support/identityEvents.js";

// The service as deployed: REGULATOR_DELIVERY_FILE names a JSON push channel (Tianjin, to the simulator) and a pull
// channel (Chongqing, the regulator fetches from REGULATOR_HTTP_PORT); feed entries arrive over the bus.

const PUSH_CREDENTIAL = "tianjin-issued-credential";
const PULL_CREDENTIAL = "chongqing-pull-credential";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(): Promise<{ harness: Harness; simulator: RegulatorSimulator; bus: InProcessBus; base: string }> {
  const simulator = await RegulatorSimulator.start({ credential: PUSH_CREDENTIAL, serialPrefix: "TJ" });
  const folder = await mkdtemp(join(tmpdir(), "ihp-delivery-config-"));
  await writeFile(join(folder, "tianjin.cred"), `${PUSH_CREDENTIAL}\n`, { mode: 0o600 });
  await writeFile(join(folder, "chongqing.cred"), PULL_CREDENTIAL, { mode: 0o600 });
  const settings = {
    channels: [
      { jurisdiction: "tianjin", adapter: "json-push", endpoint: simulator.url, credentialsFile: "tianjin.cred", timeoutMs: 2_000 },
      { jurisdiction: "chongqing", adapter: "pull", credentialsFile: "chongqing.cred", ackWaitMs: 60_000 },
    ],
    testAccounts: ["prac-test"],
  };
  await writeFile(join(folder, "delivery.json"), JSON.stringify(settings));
  const bus = new InProcessBus({ duplicateWindowMs: 0 });
  const harness = await startHarness({
    bus,
    env: { REGULATOR_DELIVERY_FILE: join(folder, "delivery.json"), REGULATOR_DELIVERY_INTERVAL_MS: "0", REGULATOR_HTTP_PORT: "0" },
  });
  cleanups.push(() => simulator.stop(), () => rm(folder, { recursive: true, force: true }), () => bus.close(), () => harness.close());
  return { harness, simulator, bus, base: `http://127.0.0.1:${String(harness.service.regulatorHttpPort)}` };
}

const call = async (url: string, token: string, body?: unknown) => {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("regulator delivery in the reporting service (REP-04)", () => {
  it("REP-04: push — the Tianjin regulator receives the licence and staff entries (test accounts withheld), each acknowledged with its serial in the ledger", async () => {
    const { harness, simulator, bus } = await started();
    const tianjin = institution({ jurisdiction: "tianjin" });
    await bus.publish(registered(tianjin));
    await bus.publish(staffRecordChanged(tianjin.institutionId));
    await bus.publish(staffRecordChanged(tianjin.institutionId, { practitionerId: "prac-test" }));
    await waitFor(async () => (await harness.readLog()).filter((event) => event.type === "FeedEntryRecorded").length === 3, 5_000, "three feed entries");

    expect(await harness.service.deliverToRegulators()).toEqual({ tianjin: { sent: 2, acknowledged: 2, failed: 0, deadLettered: 0 } });
    expect(await harness.service.deliverToRegulators()).toEqual({ tianjin: { sent: 0, acknowledged: 0, failed: 0, deadLettered: 0 } });
    const records = simulator.records();
    expect(records.map((record) => record.type)).toEqual(["INSTITUTION_LICENCE", "STAFF_RECORD"]);
    const staff = records[1]?.body as Record<string, unknown>;
    expect(Object.keys(staff).sort()).toEqual([...MESSAGE_SCHEMAS.STAFF_RECORD].sort());
    // REP-03: the regulator gets the name and ID number; no log line of the service carries them.
    expect(staff["idNumber"]).toBe(SECRETS.idNumber);
    expect(harness.logs.raw.join("\n")).not.toContain(SECRETS.idNumber);
    const acks = (await harness.readLog()).filter((event) => event.type === "RegulatorMessageAcknowledged").map((event) => event.data["serial"]);
    expect(acks.sort()).toEqual(records.map((record) => record.serial).sort());
  });

  it("REP-04: pull — the Chongqing regulator fetches with its credential and acknowledges; a repeated ack changes nothing; a wrong credential is refused", async () => {
    const { harness, bus, base } = await started();
    const chongqing = institution({ jurisdiction: "chongqing" });
    await bus.publish(registered(chongqing));
    await bus.publish(consultStarted(chongqing.institutionId));
    await waitFor(async () => (await harness.readLog()).filter((event) => event.type === "FeedEntryRecorded").length === 2, 5_000, "two feed entries");

    expect(await call(`${base}/regulator/v1/messages`, "guessed")).toEqual({ status: 401, body: { code: "REGULATOR_CREDENTIAL_INVALID", message: expect.any(String) as string } });
    expect(await call(`${base}/regulator/v1/messages`, PUSH_CREDENTIAL)).toMatchObject({ status: 401 });
    const fetched = await call(`${base}/regulator/v1/messages?limit=10`, PULL_CREDENTIAL);
    const messages = fetched.body["messages"] as { messageId: string; type: string }[];
    expect(messages.map((message) => message.type)).toEqual(["INSTITUTION_LICENCE", "CONSULT.STARTED"]);
    // Handed out and not yet acknowledged: not handed out again within ackWaitMs.
    expect((await call(`${base}/regulator/v1/messages`, PULL_CREDENTIAL)).body).toEqual({ messages: [] });
    const acks = messages.map((message, i) => ({ messageId: message.messageId, serial: `CQ-${i}` }));
    expect((await call(`${base}/regulator/v1/acks`, PULL_CREDENTIAL, { acks })).body).toEqual({ acknowledged: 2, repeated: 0, unknown: 0 });
    expect((await call(`${base}/regulator/v1/acks`, PULL_CREDENTIAL, { acks: [...acks, { messageId: "nope/1", serial: "x" }] })).body).toEqual({ acknowledged: 0, repeated: 2, unknown: 1 });
    expect((await call(`${base}/regulator/v1/acks`, PULL_CREDENTIAL, { acks: [{ messageId: "m" }] })).body).toMatchObject({ code: "DELIVERY_REQUEST_INVALID" });
    const log = await harness.readLog();
    expect(log.filter((event) => event.type === "RegulatorMessageAcknowledged").map((event) => event.data["serial"])).toEqual(["CQ-0", "CQ-1"]);
  });

  it("REP-04: replay of the dead letter is a platform operator's command; other roles are refused and the refusal is recorded", async () => {
    const { harness, base } = await started();
    const physician = await harness.token("physician", "inst-1");
    expect(await call(`${base}/admin/v1/regulator-replay`, physician, { jurisdiction: "tianjin" })).toMatchObject({ status: 403, body: { code: "ROLE_NOT_ALLOWED" } });
    expect(await call(`${base}/admin/v1/regulator-replay`, "not-a-token", { jurisdiction: "tianjin" })).toMatchObject({ status: 401 });
    const operator = await harness.token("system", "platform");
    expect(await call(`${base}/admin/v1/regulator-replay`, operator, { jurisdiction: "guangxi" })).toMatchObject({ status: 404, body: { code: "REGULATOR_CHANNEL_UNKNOWN" } });
    expect(await call(`${base}/admin/v1/regulator-replay`, operator, { jurisdiction: "tianjin" })).toEqual({ status: 200, body: { replayed: 0 } });
    const refusals = (await harness.readLog()).filter((event) => event.type === "AccessRefused").map((event) => event.data["reason"]);
    expect(refusals).toEqual(["ROLE_NOT_ALLOWED", "REGULATOR_CHANNEL_UNKNOWN"]);
  });
});

describe("RegulatorDeliveryService over gRPC (REP-04)", () => {
  it("REP-04: a regulator reads its own jurisdiction's delivery status (counts, withheld, lag); others are refused; only system (or an institution's admin, for its own) replays", async () => {
    const { harness, bus } = await started();
    const tianjin = institution({ jurisdiction: "tianjin" });
    await bus.publish(registered(tianjin));
    await bus.publish(staffRecordChanged(tianjin.institutionId));
    await bus.publish(staffRecordChanged(tianjin.institutionId, { practitionerId: "prac-test" }));
    await waitFor(async () => (await harness.readLog()).filter((event) => event.type === "FeedEntryRecorded").length === 3, 5_000, "three feed entries");
    const client = harness.grpc(RegulatorDeliveryServiceService);
    const status = (token: string, jurisdiction: string) => client.getDeliveryStatus({ jurisdiction }, { token });
    const replay = async (token: string, jurisdiction: string) => (await client.replayDeadLetters({ jurisdiction }, { token })).replayed;
    const regulator = await harness.token("regulator", "tianjin");

    const before = await status(regulator, "tianjin");
    expect(before).toMatchObject({ adapter: "json-push", pending: 2, acknowledged: 0, withheld: 1, deadLettered: 0 });
    expect(before.oldestUnacknowledgedAt).toBeDefined();
    await harness.service.deliverToRegulators();
    expect(await status(await harness.token("regulator", "national"), "tianjin")).toMatchObject({ pending: 0, acknowledged: 2, withheld: 1, oldestUnacknowledgedAt: undefined });

    expect((await refusal(status(await harness.token("regulator", "chongqing"), "tianjin"))).code).toBe("JURISDICTION_NOT_ALLOWED");
    expect((await refusal(status(await harness.token("physician", tianjin.institutionId), "tianjin"))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusal(status(regulator, "guangxi"))).code).toBe("JURISDICTION_NOT_ALLOWED");
    const operator = await harness.token("system", "platform");
    // A known jurisdiction without a channel (and no national one) is delivered to nobody: nothing acknowledged.
    expect(await status(await harness.token("regulator", "guangxi"), "guangxi")).toMatchObject({ adapter: "", acknowledged: 0, unacknowledged: 0 });
    expect((await refusal(status(operator, "tianjin"))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusal(replay(regulator, "tianjin"))).code).toBe("ROLE_NOT_ALLOWED");
    expect(await replay(operator, "tianjin")).toBe(0);
    const refused = (await harness.readLog()).filter((event) => event.type === "AccessRefused").map((event) => event.data["reason"]);
    expect(refused).toEqual(["JURISDICTION_NOT_ALLOWED", "ROLE_NOT_ALLOWED", "JURISDICTION_NOT_ALLOWED", "ROLE_NOT_ALLOWED", "ROLE_NOT_ALLOWED"]);
  });
});
