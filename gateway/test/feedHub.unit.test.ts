import { describe, expect, it } from "vitest";
import { type FeedEntryView, feedEntryView } from "../src/contexts/feed/mapping.js";
import { FeedHub } from "../src/subscriptions/feedHub.js";
import { feedEntry } from "./support/fakeServices.js";

const entry = (position: number, jurisdiction = "guangxi") => feedEntryView(feedEntry(position, jurisdiction));

/** The position of the next entry, or "done". */
async function nextPosition(iterator: AsyncIterator<FeedEntryView>): Promise<string> {
  const result = await iterator.next();
  return result.done === true ? "done" : result.value.position;
}

describe("FeedHub", () => {
  it("delivers what a subscriber accepts, in order, and detaches it on return", async () => {
    const hub = new FeedHub({ maxQueue: 10, overflowError: () => new Error("overflow") });
    const guangxi = hub.subscribe((candidate) => candidate.jurisdiction === "guangxi");
    hub.publish(entry(1));
    hub.publish(entry(2, "tianjin"));
    hub.publish(entry(3));
    expect(await nextPosition(guangxi)).toBe("1");
    expect(await nextPosition(guangxi)).toBe("3");
    const pending = nextPosition(guangxi);
    hub.publish(entry(4));
    expect(await pending).toBe("4");
    expect(hub.size).toBe(1);
    await guangxi.return?.();
    expect(hub.size).toBe(0);
    expect(await guangxi.next()).toEqual({ value: undefined, done: true });
  });

  it("ends a subscriber that falls too far behind with the overflow error, leaving the others alone", async () => {
    const overflow = new Error("overflow");
    const hub = new FeedHub({ maxQueue: 2, overflowError: () => overflow });
    const slow = hub.subscribe(() => true);
    const other = hub.subscribe((candidate) => candidate.position === "9");
    for (const position of [1, 2, 3]) hub.publish(entry(position));
    expect(hub.size).toBe(1);
    await expect(slow.next()).rejects.toBe(overflow);
    expect(await slow.next()).toEqual({ value: undefined, done: true });
    hub.publish(entry(9));
    expect(await nextPosition(other)).toBe("9");
  });

  it("completes waiting subscribers when closed", async () => {
    const hub = new FeedHub({ maxQueue: 2, overflowError: () => new Error("overflow") });
    const waiting = hub.subscribe(() => true).next();
    hub.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(hub.size).toBe(0);
  });
});
