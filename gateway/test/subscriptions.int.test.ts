import { randomUUID } from "node:crypto";
import { EventEnvelope } from "@ihp/contracts";
import { FeedEntry } from "@ihp/contracts/reporting";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_ENTRY_SUBJECT, liveSubscriptions } from "../src/index.js";
import { feedEntry } from "./support/fakeServices.js";
import { type Harness, startHarness } from "./support/harness.js";
import { type Frame, WsClient } from "./support/wsClient.js";

const FEED = `subscription($jurisdiction: String) {
  regulatorFeed(jurisdiction: $jurisdiction) {
    position jurisdiction category payload { __typename ... on RegulatorConnectionEntry { platformReference } }
  }
}`;

/** The envelope the reporting service's relay publishes for a recorded feed entry. */
function envelope(entry: FeedEntry, encoding: "protobuf" | "json") {
  const id = randomUUID();
  const data = EventEnvelope.encode(
    EventEnvelope.create({
      id,
      type: "FeedEntryRecorded",
      schemaVersion: 1,
      streamId: `reporting-feed-${entry.jurisdiction}`,
      streamRevision: BigInt(entry.position),
      logPosition: entry.position,
      contentType: encoding === "protobuf" ? "application/x-protobuf; proto=ihp.reporting.v1.FeedEntry" : "application/json",
      payload:
        encoding === "protobuf"
          ? Buffer.from(FeedEntry.encode(entry).finish())
          : Buffer.from(JSON.stringify(FeedEntry.toJSON(entry)), "utf8"),
    }),
  ).finish();
  return { subject: FEED_ENTRY_SUBJECT, id, data, headers: {} };
}

function delivered(frame: Frame): unknown {
  expect(frame.type).toBe("next");
  return (frame.payload as { data: { regulatorFeed: unknown } }).data.regulatorFeed;
}

describe("regulatorFeed subscription over graphql-transport-ws, fed from the bus", () => {
  let h: Harness;
  let url: string;
  const clients: WsClient[] = [];

  async function connect(token: string | undefined): Promise<{ client: WsClient; answer: Frame }> {
    const connection = await WsClient.init(url, token);
    clients.push(connection.client);
    return connection;
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    const address = h.app.server.address();
    url = `ws://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/graphql`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await h.close();
  });

  it("delivers each entry to the regulators of its jurisdiction and to the national regulator only", async () => {
    const guangxi = await connect(await h.token(["regulator"], "guangxi"));
    const tianjin = await connect(await h.token(["regulator"], "tianjin"));
    const national = await connect(await h.token(["regulator"], "national"));
    for (const { answer } of [guangxi, tianjin, national]) expect(answer.type).toBe("connection_ack");
    for (const { client } of [guangxi, tianjin, national]) client.subscribe("feed", FEED);
    await waitFor(() => liveSubscriptions(h.app) === 3, 5_000, "three live subscriptions");

    // The in-process bus resolves publish once the gateway's consumer has handled the message.
    await h.bus.publish(envelope(feedEntry(10, "guangxi"), "protobuf"));
    await h.bus.publish(envelope(feedEntry(11, "tianjin"), "json"));

    const guangxiEntry = { position: "10", jurisdiction: "guangxi", category: "REGULATOR_CONNECTION", payload: { __typename: "RegulatorConnectionEntry", platformReference: "REF-10" } };
    const tianjinEntry = { ...guangxiEntry, position: "11", jurisdiction: "tianjin", payload: { ...guangxiEntry.payload, platformReference: "REF-11" } };
    expect(delivered(await guangxi.client.next())).toEqual(guangxiEntry);
    // Tianjin's first frame is entry 11: entry 10, published before it, was not delivered there.
    expect(delivered(await tianjin.client.next())).toEqual(tianjinEntry);
    expect(delivered(await national.client.next())).toEqual(guangxiEntry);
    expect(delivered(await national.client.next())).toEqual(tianjinEntry);

    // A client that completes its subscription is detached from the feed.
    guangxi.client.send({ type: "complete", id: "feed" });
    await waitFor(() => liveSubscriptions(h.app) === 2, 5_000, "the completed subscription to be gone");
  });

  it("lets a national regulator narrow the feed to one jurisdiction", async () => {
    const { client } = await connect(await h.token(["regulator"], "national"));
    const before = liveSubscriptions(h.app);
    client.subscribe("narrow", FEED, { jurisdiction: "tianjin" });
    await waitFor(() => liveSubscriptions(h.app) === before + 1, 5_000, "the new subscription");
    await h.bus.publish(envelope(feedEntry(20, "guangxi"), "protobuf"));
    await h.bus.publish(envelope(feedEntry(21, "tianjin"), "protobuf"));
    expect(delivered(await client.next())).toMatchObject({ position: "21", jurisdiction: "tianjin" });
  });

  it("refuses a connection without a valid token", async () => {
    const anonymous = await connect(undefined);
    expect(anonymous.answer).toEqual({ type: "connection_error", payload: { message: "Forbidden" } });
    await anonymous.client.closed;
    const forged = await connect("not.a.jwt");
    expect(forged.answer.type).toBe("connection_error");
  });

  it("refuses non-regulators and other jurisdictions with stable codes", async () => {
    const doctor = await connect(await h.token(["physician"], "guangxi"));
    doctor.client.subscribe("1", FEED);
    expect(await doctor.client.next()).toMatchObject({
      type: "error",
      id: "1",
      payload: [{ message: "Your role is not allowed to do this.", extensions: { code: "ROLE_NOT_ALLOWED", messageZh: "您的角色无权执行此操作。" } }],
    });

    const guangxi = await connect(await h.token(["regulator"], "guangxi"));
    guangxi.client.subscribe("2", FEED, { jurisdiction: "tianjin" });
    expect(await guangxi.client.next()).toMatchObject({
      type: "error",
      id: "2",
      payload: [{ extensions: { code: "JURISDICTION_NOT_ALLOWED", messageZh: "您只能查看本辖区的监管数据。" } }],
    });
  });

  it("applies the HTTP limits and codes to subscription requests, and the connection survives them", async () => {
    const { client } = await connect(await h.token(["regulator"], "national"));
    client.subscribe("deep", `subscription { regulatorFeed { ${"payload { ".repeat(5_000)} } }`);
    expect(await client.next()).toMatchObject({ type: "error", id: "deep", payload: [{ extensions: { code: "QUERY_TOO_DEEP" } }] });

    client.subscribe("bad", `subscription { regulatorFeed { shoeSize } }`);
    expect(await client.next()).toMatchObject({ type: "error", id: "bad", payload: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });

    client.subscribe("broken", `subscription { regulatorFeed {`);
    expect(await client.next()).toMatchObject({ type: "error", id: "broken", payload: [{ extensions: { code: "GRAPHQL_PARSE_FAILED" } }] });

    client.subscribe("var", FEED, { jurisdiction: 42 });
    expect(await client.next()).toMatchObject({ type: "error", id: "var", payload: [{ extensions: { code: "BAD_USER_INPUT" } }] });

    client.subscribe("query", `query { publicInstitutions { pageInfo { hasNextPage } } }`);
    expect(await client.next()).toMatchObject({ type: "error", id: "query", payload: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });

    const before = liveSubscriptions(h.app);
    client.subscribe("ok", FEED);
    await waitFor(() => liveSubscriptions(h.app) === before + 1, 5_000, "the new subscription");
    await h.bus.publish(envelope(feedEntry(30, "chongqing"), "protobuf"));
    expect(delivered(await client.next())).toMatchObject({ position: "30" });
  });
});

describe("stopping the gateway with live subscribers", () => {
  it("ends their subscriptions and closes their sockets without waiting for them", async () => {
    const h = await startHarness();
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    const address = h.app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const { client } = await WsClient.init(`ws://127.0.0.1:${port}/graphql`, await h.token(["regulator"], "national"));
    client.subscribe("feed", FEED);
    await waitFor(() => liveSubscriptions(h.app) === 1, 5_000, "the subscription");

    await h.close();
    expect(liveSubscriptions(h.app)).toBe(0);
    expect(await client.closed).toBeGreaterThan(0);
  });
});
