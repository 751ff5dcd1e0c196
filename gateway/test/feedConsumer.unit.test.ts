// Issue 15: the gateway's feed consumer decodes an entry only when a live subscriber could receive it.
import { randomUUID } from "node:crypto";
import { EventEnvelope } from "@ihp/contracts";
import { FeedEntry } from "@ihp/contracts/reporting";
import { InProcessBus } from "@ihp/messaging";
import { createLogger } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import type { FeedEntryView } from "../src/contexts/feed/mapping.js";
import { consumeFeed, FEED_ENTRY_SUBJECT } from "../src/subscriptions/feedConsumer.js";
import { feedEntry } from "./support/fakeServices.js";

function published(position: number) {
  const entry = feedEntry(position, "guangxi");
  const id = randomUUID();
  const data = EventEnvelope.encode(
    EventEnvelope.create({
      id,
      type: "FeedEntryRecorded",
      contentType: "application/x-protobuf; proto=ihp.reporting.v1.FeedEntry",
      payload: Buffer.from(FeedEntry.encode(entry).finish()),
    }),
  ).finish();
  return { subject: FEED_ENTRY_SUBJECT, id, data, headers: {} };
}

describe("consumeFeed", () => {
  it("hands on the entries that arrive while someone listens, and acknowledges the others unread", async () => {
    const bus = new InProcessBus();
    const entries: FeedEntryView[] = [];
    let listening = false;
    const consumer = await consumeFeed({
      bus,
      durable: "gateway-test",
      logger: createLogger({ name: "gateway", level: "silent" }),
      publish: (entry) => entries.push(entry),
      listening: () => listening,
    });
    // The in-process bus resolves publish once the consumer has handled (acknowledged) the message.
    await bus.publish(published(1));
    listening = true;
    await bus.publish(published(2));
    listening = false;
    await bus.publish(published(3));
    expect(entries.map((entry) => entry.position)).toEqual(["2"]);
    expect(await consumer.pending?.()).toBe(0);
    await bus.close();
  });
});
