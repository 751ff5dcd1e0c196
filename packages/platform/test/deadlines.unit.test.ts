import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadlines, type Expiring } from "../src/grpc/deadlines.js";

// The in-process calls' deadlines share one timer (issue 15 item 3): each call must still expire at its own deadline,
// not before, and never once it has ended.

describe("Deadlines: one timer for the deadlines of the in-process calls in flight", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const expired: string[] = [];
  const call = (name: string, inMs: number): Expiring => ({ deadlineAt: Date.now() + inMs, expire: () => expired.push(name) });

  it("expires each call at its own deadline, in deadline order, whatever order they started in", () => {
    expired.length = 0;
    const deadlines = new Deadlines();
    deadlines.watch(call("late", 300));
    deadlines.watch(call("early", 100));
    deadlines.watch(call("middle", 200));
    vi.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["early"]);
    vi.advanceTimersByTime(199);
    expect(expired).toEqual(["early", "middle"]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["early", "middle", "late"]);
    expect(deadlines.size).toBe(0);
  });

  it("never expires a call that ended before its deadline, and keeps the others' deadlines", () => {
    expired.length = 0;
    const deadlines = new Deadlines();
    const done = call("done", 100);
    deadlines.watch(done);
    deadlines.watch(call("open", 150));
    deadlines.unwatch(done);
    vi.advanceTimersByTime(149);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["open"]);
  });

  it("expires a call that starts after the timer was set for a later deadline at its own, earlier one", () => {
    expired.length = 0;
    const deadlines = new Deadlines();
    deadlines.watch(call("slow", 5_000));
    vi.advanceTimersByTime(1_000);
    deadlines.watch(call("quick", 50));
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(["quick"]);
    vi.advanceTimersByTime(3_949);
    expect(expired).toEqual(["quick"]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["quick", "slow"]);
  });
});
