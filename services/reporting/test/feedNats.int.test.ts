import { EventEnvelope } from "@ihp/contracts";
import { FeedCategory, FeedEntry } from "@ihp/contracts/reporting";
import { type BusMessage, loadTransitKeys, NatsJetStreamBus } from "@ihp/messaging";
import { findNatsServer, type NatsServerHandle, startNatsServer, waitFor, writeTransitKeyFile } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_STREAMS, FEED_SUBJECT } from "../src/index.js";
import { consultStarted, deliveryDispatched, prescriptionSigned, prescriptionVoided, staffRecordChanged } from "./support/activityEvents.js";
import { connectionChanged, institution, licenceChanged, registered } from "./support/identityEvents.js";
import { type Harness, listFeed, startHarness } from "./support/harness.js";

// A private nats-server: the service provisions the standard IHP_IDENTITY and IHP_REPORTING streams, whose subjects
// would clash with other test files' streams on a shared server. CI installs nats-server, so there it never skips.
const skip = findNatsServer() === undefined && process.env["CI"] !== "true";
if (skip) process.stdout.write("feedNats.int.test.ts skipped: no nats-server binary (PATH, /usr/sbin, NATS_SERVER_BIN)\n");

describe.skipIf(skip)("regulator feed over NATS JetStream", () => {
  let server: NatsServerHandle;
  let harness: Harness;
  let identity: NatsJetStreamBus;

  beforeAll(async () => {
    server = await startNatsServer();
    const transitKeyFile = writeTransitKeyFile();
    harness = await startHarness({ env: { NATS_URL: server.url, BUS_TRANSIT_KEY_FILE: transitKeyFile } });
    // Stands in for identity's relay (publisher) and the supervision platform (consumer of the feed subject).
    identity = await NatsJetStreamBus.connect({ servers: server.url, name: "test-identity", streams: FEED_STREAMS, transit: loadTransitKeys(transitKeyFile) });
  });

  afterAll(async () => {
    await identity?.close();
    await harness?.close();
    await server?.dispose();
  });

  it("REP-04: identity events on JetStream become feed entries, even out of order, and are published on the feed subject", async () => {
    const received: BusMessage[] = [];
    await identity.consume({ durable: "test-supervision-platform", subjects: ["ihp.reporting.v1.>"] }, (message) => {
      received.push(message);
      return Promise.resolve();
    });
    const tianjin = institution();
    const guangxi = institution({ jurisdiction: "guangxi" });
    // Guangxi's licence change comes before its registration: refused for now, redelivered after the registration.
    const early = licenceChanged(guangxi.institutionId);
    for (const message of [early, registered(tianjin), registered(guangxi), connectionChanged(tianjin.institutionId)]) {
      await identity.publish(message);
    }

    const token = await harness.token("regulator", "national");
    await waitFor(async () => (await listFeed(harness.client, token)).entries.length === 4, 20_000, "four feed entries");
    const { entries } = await listFeed(harness.client, token);
    expect(entries.at(-1)).toMatchObject({
      sourceEventId: early.id,
      jurisdiction: "guangxi",
      category: FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE,
      payload: { $case: "institutionLicence", value: { name: guangxi.name, licenceNumber: "PDY00002X12010011A1001" } },
    });
    expect(harness.logs.withCode("INSTITUTION_NOT_YET_KNOWN").length).toBeGreaterThanOrEqual(1);

    await waitFor(() => received.length === 4, 20_000, "four messages on the feed subject");
    const published = received.map((message) => {
      expect(message.subject).toBe(FEED_SUBJECT);
      return FeedEntry.decode(EventEnvelope.decode(message.data).payload);
    });
    expect(published).toEqual(entries);
  });

  it("REP-03 / REP-04: staff, consult, prescription and pharmacy events on their JetStream streams become entries, each once", async () => {
    const token = await harness.token("regulator", "national");
    const before = (await listFeed(harness.client, token, { page: { first: 1_000, after: "" } })).entries.length;
    const chongqing = institution({ jurisdiction: "chongqing" });
    // The void comes before the signed version: refused for now, redelivered after it.
    const early = prescriptionVoided("rx-nats");
    // The registration first, and in: the other contexts' streams are consumed independently of identity's.
    const registration = registered(chongqing);
    await identity.publish(registration);
    const all = async (): Promise<number> => (await listFeed(harness.client, token, { page: { first: 1_000, after: "" } })).entries.length;
    await waitFor(async () => (await all()) === before + 1, 20_000, "the registration's entry");
    const messages = [
      early,
      staffRecordChanged(chongqing.institutionId),
      consultStarted(chongqing.institutionId, "consult-nats"),
      prescriptionSigned(chongqing.institutionId, { prescriptionId: "rx-nats" }),
      deliveryDispatched(chongqing.institutionId),
    ];
    for (const message of messages) await identity.publish(message);
    // A duplicate publish is dropped by JetStream (Nats-Msg-Id) or, past the window, by the feed.
    await identity.publish(messages[2] as BusMessage);

    await waitFor(async () => (await all()) === before + 1 + messages.length, 20_000, "the new entries");
    const entries = (await listFeed(harness.client, token, { page: { first: 1_000, after: "" } })).entries.slice(before);
    const expected = [registration, ...messages].map((message) => message.id);
    expect(new Set(entries.map((entry) => entry.sourceEventId))).toEqual(new Set(expected));
    expect(entries).toHaveLength(expected.length);
    expect(entries.every((entry) => entry.jurisdiction === "chongqing")).toBe(true);
    expect(entries.find((entry) => entry.sourceEventId === early.id)).toMatchObject({
      category: FeedCategory.FEED_CATEGORY_PRESCRIPTION,
      institutionId: chongqing.institutionId,
      payload: { $case: "prescriptionVoided", value: { prescriptionId: "rx-nats" } },
    });
  });
});
