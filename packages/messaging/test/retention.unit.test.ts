// Issue 15 (memory after many flows): what the in-process bus keeps of what it has published is bounded, and let go.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BusMessage } from "../src/bus.js";
import { DuplicateWindow } from "../src/duplicateWindow.js";
import { RetainedMessages } from "../src/retainedMessages.js";

const message = (n: number, subject = "ihp.test.v1.Happened"): BusMessage => ({ subject, id: `m-${n}`, data: new Uint8Array([n % 256]), headers: {} });
const ids = (messages: readonly BusMessage[]): string[] => messages.map((m) => m.id);

describe("RetainedMessages", () => {
  it("never holds more than its limit, and keeps the latest ones, oldest first", () => {
    const retained = new RetainedMessages(5);
    for (let n = 0; n < 23; n++) {
      retained.add(message(n));
      expect(retained.size).toBeLessThanOrEqual(5);
    }
    expect(retained.size).toBe(5);
    expect(ids(retained.matching(["ihp.test.>"]))).toEqual(["m-18", "m-19", "m-20", "m-21", "m-22"]);
  });

  it("answers only the subjects asked for, in publish order, before and after the ring wraps", () => {
    const retained = new RetainedMessages(4);
    retained.add(message(1, "ihp.a.v1.X"));
    retained.add(message(2, "ihp.b.v1.X"));
    retained.add(message(3, "ihp.a.v1.X"));
    expect(ids(retained.matching(["ihp.a.>"]))).toEqual(["m-1", "m-3"]);
    retained.add(message(4, "ihp.a.v1.X"));
    retained.add(message(5, "ihp.b.v1.X"));
    retained.add(message(6, "ihp.a.v1.X"));
    expect(ids(retained.matching(["ihp.a.>"]))).toEqual(["m-3", "m-4", "m-6"]);
    expect(ids(retained.matching(["ihp.>"]))).toEqual(["m-3", "m-4", "m-5", "m-6"]);
  });

  it("holds nothing at a limit of 0, and nothing once ended", () => {
    const none = new RetainedMessages(0);
    none.add(message(1));
    expect(none.size).toBe(0);
    const retained = new RetainedMessages(10);
    for (let n = 0; n < 3; n++) retained.add(message(n));
    retained.end();
    expect(retained.size).toBe(0);
    retained.add(message(9));
    expect(retained.size).toBe(0);
    expect(retained.matching(["ihp.>"])).toEqual([]);
  });
});

describe("DuplicateWindow", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets go of expired ids by itself when no lookup comes (an idle bus), and only of those", async () => {
    vi.useFakeTimers();
    const window = new DuplicateWindow(1_000, () => Date.now());
    for (let n = 0; n < 100; n++) window.remember(`early-${n}`, Promise.resolve());
    await vi.advanceTimersByTimeAsync(600);
    window.remember("late", Promise.resolve());
    expect(window.size).toBe(101);
    await vi.advanceTimersByTimeAsync(500);
    expect(window.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(window.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("still answers a repeat within the window with the first outcome, and forgets it after", async () => {
    vi.useFakeTimers();
    const window = new DuplicateWindow(1_000, () => Date.now());
    const outcome = Promise.resolve();
    window.remember("id", outcome);
    await vi.advanceTimersByTimeAsync(999);
    expect(window.lookup("id")).toBe(outcome);
    await vi.advanceTimersByTimeAsync(2);
    expect(window.lookup("id")).toBeUndefined();
  });

  it("forgets each id in its turn, also those remembered after earlier ones expired or were cleared", async () => {
    vi.useFakeTimers();
    const window = new DuplicateWindow(1_000, () => Date.now());
    const remembered = (id: string): boolean => window.lookup(id) !== undefined;
    window.remember("a", Promise.resolve());
    await vi.advanceTimersByTimeAsync(600);
    window.remember("b", Promise.resolve());
    await vi.advanceTimersByTimeAsync(401);
    expect([remembered("a"), remembered("b")]).toEqual([false, true]);
    await vi.advanceTimersByTimeAsync(600);
    expect(remembered("b")).toBe(false);
    window.remember("c", Promise.resolve());
    await vi.advanceTimersByTimeAsync(999);
    expect(remembered("c")).toBe(true);
    await vi.advanceTimersByTimeAsync(2);
    expect(remembered("c")).toBe(false);
    window.remember("d", Promise.resolve());
    window.clear();
    window.remember("e", Promise.resolve());
    await vi.advanceTimersByTimeAsync(1_001);
    expect([remembered("d"), remembered("e"), window.size]).toEqual([false, false, 0]);
  });

  it("clear() forgets everything and leaves no timer behind", () => {
    vi.useFakeTimers();
    const window = new DuplicateWindow(120_000, () => Date.now());
    window.remember("id", Promise.resolve());
    expect(vi.getTimerCount()).toBe(1);
    window.clear();
    expect(window.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
