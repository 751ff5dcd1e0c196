import { EventEnvelope, HealthCheckResponse_ServingStatus, HealthServiceDefinition } from "@ihp/contracts";
import { FeedCategory, FeedEntry } from "@ihp/contracts/reporting";
import { type BusMessage, type GiveUp, InProcessBus } from "@ihp/messaging";
import { waitFor } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { FEED_CONTENT_TYPE, FEED_SUBJECT } from "../src/index.js";
import { connectionChanged, identityMessage, institution, licenceChanged, registered } from "./support/identityEvents.js";
import { type Harness, listFeed, refusal, startHarness, streamFeed } from "./support/harness.js";

const open: { harness: Harness; bus: InProcessBus }[] = [];

async function start(options: { bus?: InProcessBus; env?: Record<string, string> } = {}): Promise<{ harness: Harness; bus: InProcessBus }> {
  // Duplicate window 0: a repeated publish reaches the consumer, as a redelivery would.
  const bus = options.bus ?? new InProcessBus({ duplicateWindowMs: 0 });
  const harness = await startHarness({ bus, ...(options.env === undefined ? {} : { env: options.env }) });
  open.push({ harness, bus });
  return { harness, bus };
}

afterEach(async () => {
  for (const { harness, bus } of open.splice(0)) {
    await harness.close();
    await bus.close();
  }
});

/** Publishes like identity's relay: in order, each resolving once every consumer handled it. */
async function publish(bus: InProcessBus, ...messages: BusMessage[]): Promise<void> {
  for (const message of messages) await bus.publish(message);
}

describe("regulator feed over an in-process bus", () => {
  it("REP-04: ListFeed returns the identity events' entries in log order, each with only its schema's fields", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const messages = [registered(tianjin), licenceChanged(tianjin.institutionId, ["03.07", "04", "05"]), connectionChanged(tianjin.institutionId)];
    await publish(bus, ...messages);
    const { entries, pageInfo } = await listFeed(harness.client, await harness.token("regulator", "national"));

    expect(entries.map((entry) => entry.sourceEventId)).toEqual(messages.map((message) => message.id));
    const positions = entries.map((entry) => BigInt(entry.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(pageInfo?.hasNextPage).toBe(false);
    expect(entries.every((entry) => entry.jurisdiction === "tianjin" && entry.institutionId === tianjin.institutionId)).toBe(true);
    expect(entries.map((entry) => entry.category)).toEqual([
      FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE,
      FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE,
      FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION,
    ]);
    expect(entries[1]).toMatchObject({
      occurredAt: "2026-03-01T08:00:00.000Z",
      payload: {
        $case: "institutionLicence",
        value: {
          name: tianjin.name,
          grade: "HOSPITAL_GRADE_TERTIARY_A",
          licenceNumber: "PDY00002X12010011A1001",
          licenceValidFrom: "2026-03-01",
          licenceValidUntil: "2031-02-28",
          subjectCodes: ["03.07", "04", "05"],
          hostLicenceNumber: tianjin.hostLicenceNumber,
        },
      },
    });
    expect(entries[2]?.payload).toEqual({ $case: "regulatorConnection", value: { connected: true, platformReference: "TJ-JG-2026-0042" } });
    // The host institution's name is in identity's event but not in the feed schema.
    expect(JSON.stringify(entries)).not.toContain(tianjin.hostInstitutionName);
  });

  it("REP-04: ListFeed pages with opaque cursors", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    await publish(bus, registered(tianjin), licenceChanged(tianjin.institutionId), connectionChanged(tianjin.institutionId));
    const token = await harness.token("regulator", "tianjin");
    const first = await listFeed(harness.client, token, { page: { first: 2, after: "" } });
    expect(first.entries).toHaveLength(2);
    expect(first.pageInfo?.hasNextPage).toBe(true);
    const second = await listFeed(harness.client, token, { page: { first: 2, after: first.pageInfo?.endCursor ?? "" } });
    expect(second.entries.map((entry) => entry.category)).toEqual([FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION]);
    expect(second.pageInfo?.hasNextPage).toBe(false);
    // Polling from the end cursor returns nothing new, and keeps the cursor.
    const third = await listFeed(harness.client, token, { page: { first: 2, after: second.pageInfo?.endCursor ?? "" } });
    expect(third.entries).toEqual([]);
    expect(third.pageInfo?.endCursor).toBe(second.pageInfo?.endCursor);

    expect((await refusal(listFeed(harness.client, token, { page: { first: 2, after: "bm9wZQ" } }))).code).toBe("INVALID_CURSOR");
  });

  it("REP-04: StreamFeed from a position catches up, then receives a live entry, until the client cancels", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    await publish(bus, registered(tianjin), licenceChanged(tianjin.institutionId));
    const token = await harness.token("regulator", "national");
    const [firstEntry] = (await listFeed(harness.client, token)).entries;

    const subscription = streamFeed(harness, token, { after: firstEntry?.position ?? "" });
    await waitFor(() => subscription.entries.length === 1, 5_000, "the catch-up entry");
    expect(subscription.entries[0]?.category).toBe(FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE);

    const live = connectionChanged(tianjin.institutionId);
    await publish(bus, live);
    await waitFor(() => subscription.entries.length === 2, 5_000, "the live entry");
    expect(subscription.entries[1]?.sourceEventId).toBe(live.id);

    subscription.cancel();
    await waitFor(() => subscription.ended !== undefined, 5_000, "the stream to end");
    expect(subscription.ended?.code).toBe("CANCELLED");
    expect(subscription.entries).toHaveLength(2);
  });

  it("REP-04: a live StreamFeed ends UNAVAILABLE when the service stops, so the client reconnects", async () => {
    const { harness, bus } = await start();
    const { status: serving } = await harness.grpc(HealthServiceDefinition).check({ service: "ihp.reporting.v1.RegulatorFeedService" }, {});
    expect(serving).toBe(HealthCheckResponse_ServingStatus.SERVING);

    await publish(bus, registered(institution()));
    const subscription = streamFeed(harness, await harness.token("regulator", "national"));
    // An entry received proves the handler runs and is now waiting for live entries.
    await waitFor(() => subscription.entries.length === 1, 5_000, "the stream to catch up");
    const outcomes = await harness.service.stop("test");
    await waitFor(() => subscription.ended !== undefined, 5_000, "the stream to end");
    expect(subscription.ended?.code).toBe("UNAVAILABLE");
    expect(outcomes.map((outcome) => [outcome.name, outcome.outcome])).toEqual([
      ["grpc", "stopped"],
      ["regulator-delivery", "stopped"],
      ["identity-client", "stopped"],
      ["daily-exports", "stopped"],
      ["incident-deadlines", "stopped"],
      ["statistics-consult-consumer", "stopped"],
      ["records-consumer", "stopped"],
      ["pharmacy-consumer", "stopped"],
      ["prescription-consumer", "stopped"],
      ["consult-consumer", "stopped"],
      ["identity-consumer", "stopped"],
      ["relay", "stopped"],
      ["deadlines-read-model", "stopped"],
      ["feed-index", "stopped"],
      ["statistics-read-model", "stopped"],
      ["checkpoints", "stopped"],
      ["event-store", "stopped"],
    ]);
  });

  it("XC-01: a redelivered identity event produces no second entry", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const registration = registered(tianjin);
    await publish(bus, registration, licenceChanged(tianjin.institutionId), registration);
    const { entries } = await listFeed(harness.client, await harness.token("regulator", "national"));
    expect(entries.map((entry) => entry.sourceEventId)).toEqual([registration.id, expect.any(String)]);
    expect(harness.logs.lines.some((line) => line["msg"] === "feed entry already recorded")).toBe(true);
  });

  it("REP-04: a regulator of another jurisdiction sees none of them and may not ask for them", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const guangxi = institution({ jurisdiction: "guangxi" });
    await publish(bus, registered(tianjin), connectionChanged(tianjin.institutionId), registered(guangxi));

    const guangxiRegulator = await harness.token("regulator", "guangxi");
    const own = await listFeed(harness.client, guangxiRegulator);
    expect(own.entries.map((entry) => entry.institutionId)).toEqual([guangxi.institutionId]);
    const stream = streamFeed(harness, guangxiRegulator);
    await waitFor(() => stream.entries.length === 1, 5_000, "guangxi's entry");
    await publish(bus, licenceChanged(tianjin.institutionId), connectionChanged(guangxi.institutionId));
    await waitFor(() => stream.entries.length === 2, 5_000, "guangxi's live entry");
    stream.cancel();
    expect(stream.entries.every((entry) => entry.jurisdiction === "guangxi")).toBe(true);

    const denied = await refusal(listFeed(harness.client, guangxiRegulator, { jurisdiction: "tianjin" }));
    expect([denied.code, denied.status]).toEqual(["JURISDICTION_NOT_ALLOWED", 7]);
    const recorded = (await harness.readLog()).filter((event) => event.type === "AccessRefused");
    expect(recorded.map((event) => [event.metadata.tenantId, event.data["reason"], event.data["resource"]])).toEqual([
      ["guangxi", "JURISDICTION_NOT_ALLOWED", "regulator-feed/tianjin"],
    ]);

    const national = await listFeed(harness.client, await harness.token("regulator", "national"), { jurisdiction: "tianjin" });
    expect(national.entries).toHaveLength(3);
    expect(national.entries.every((entry) => entry.jurisdiction === "tianjin")).toBe(true);
  });

  it("XC-01: patient and physician tokens are refused PERMISSION_DENIED and each refusal is recorded", async () => {
    const { harness, bus } = await start();
    await publish(bus, registered(institution()));
    const patient = await harness.token("patient", "inst-1", "patient-42");
    const physician = await harness.token("physician", "inst-1", "physician-7");

    const listed = await refusal(listFeed(harness.client, patient));
    expect([listed.code, listed.status]).toEqual(["ROLE_NOT_ALLOWED", 7]);
    const streamed = streamFeed(harness, physician);
    await waitFor(() => streamed.ended !== undefined, 5_000, "the refused stream to end");
    expect(streamed.ended).toEqual({ code: "ROLE_NOT_ALLOWED", status: 7 });
    expect(streamed.entries).toEqual([]);

    const refusals = (await harness.readLog()).filter((event) => event.type === "AccessRefused");
    expect(
      refusals.map((event) => [event.streamId.startsWith("reporting-audit-"), event.metadata.actorId, event.metadata.actorRole, event.data]),
    ).toEqual([
      [true, "patient-42", "patient", { action: "ListFeed", reason: "ROLE_NOT_ALLOWED", roles: ["patient"], resource: "regulator-feed/*", ruleId: "REP-04" }],
      [true, "physician-7", "physician", { action: "StreamFeed", reason: "ROLE_NOT_ALLOWED", roles: ["physician"], resource: "regulator-feed/*", ruleId: "REP-04" }],
    ]);
    expect(refusals.every((event) => event.metadata.tenantId === "inst-1")).toBe(true);
    // Refusals live in the same log but are not feed entries.
    expect((await listFeed(harness.client, await harness.token("regulator", "national"))).entries).toHaveLength(1);
  });

  it("REP-04: feed entries are published on ihp.reporting.v1.FeedEntryRecorded as EventEnvelope + protobuf FeedEntry", async () => {
    const { harness, bus } = await start();
    const received: BusMessage[] = [];
    await bus.consume({ durable: "test-regulator-platform", subjects: ["ihp.reporting.v1.>"] }, (message) => {
      received.push(message);
      return Promise.resolve();
    });
    const tianjin = institution();
    await publish(bus, registered(tianjin), connectionChanged(tianjin.institutionId));
    await waitFor(() => received.length === 2, 5_000, "two feed messages");

    const { entries } = await listFeed(harness.client, await harness.token("regulator", "national"));
    const decoded = received.map((message) => {
      expect(message.subject).toBe(FEED_SUBJECT);
      const envelope = EventEnvelope.decode(message.data);
      expect(envelope.id).toBe(message.id);
      expect(envelope.type).toBe("FeedEntryRecorded");
      expect(envelope.contentType).toBe(FEED_CONTENT_TYPE);
      return FeedEntry.decode(envelope.payload);
    });
    expect(decoded).toEqual(entries);
  });

  it("REP-04: a licence change for an institution never registered is redelivered, then given up with an alert", async () => {
    const givenUp: GiveUp[] = [];
    const bus = new InProcessBus({ redelivery: { initialMs: 1, maxMs: 5 }, onGiveUp: (giveUp) => givenUp.push(giveUp) });
    const { harness } = await start({ bus, env: { FEED_MAX_DELIVER: "3" } });
    const orphan = licenceChanged("never-registered");
    await bus.publish(orphan);
    expect(givenUp.map((giveUp) => [giveUp.message.id, giveUp.message.deliveryCount])).toEqual([[orphan.id, 3]]);
    expect(harness.logs.withCode("INSTITUTION_NOT_YET_KNOWN")).toHaveLength(3);
    expect((await listFeed(harness.client, await harness.token("regulator", "national"))).entries).toEqual([]);
  });

  it("REP-04: an undecodable message is logged without its payload and acknowledged; unknown event types are skipped", async () => {
    const { harness, bus } = await start();
    const secret = "王小明 11010519491231002X";
    const garbage = identityMessage("InstitutionRegistered", Buffer.from(secret), { contentType: "application/json" });
    const notEnvelope: BusMessage = { subject: "ihp.identity.v1.InstitutionRegistered", id: "raw-1", data: Buffer.from(secret), headers: {} };
    const other = identityMessage("PractitionerEnabled", Buffer.from(secret));
    const tianjin = institution();
    await publish(bus, garbage, notEnvelope, other, registered(tianjin));

    expect(harness.logs.withCode("FEED_MESSAGE_UNDECODABLE").map((line) => line["messageId"])).toEqual([garbage.id, "raw-1"]);
    expect(harness.logs.raw.join("\n")).not.toContain("11010519491231002X");
    expect(harness.logs.raw.join("\n")).not.toContain("王小明");
    const { entries } = await listFeed(harness.client, await harness.token("regulator", "national"));
    expect(entries.map((entry) => entry.institutionId)).toEqual([tianjin.institutionId]);
  });
});
