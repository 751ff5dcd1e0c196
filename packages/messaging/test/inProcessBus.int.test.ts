import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BusClosedError, DurableInUseError, InProcessBus, type BusMessage, type GiveUp } from "../src/index.js";
import { busContract, waitFor } from "@ihp/testing";

busContract("InProcessBus", () => {
  const bus = new InProcessBus({ redelivery: { initialMs: 10, maxMs: 40 } });
  return Promise.resolve({ bus, cleanup: () => bus.close() });
});

const message = (subject = "ihp.test.v1.Happened"): BusMessage => ({
  subject,
  id: randomUUID(),
  data: new Uint8Array([1]),
  headers: {},
});

describe("InProcessBus", () => {
  it("XC-01: publish resolves only after every running consumer on the subject has handled the message", async () => {
    const bus = new InProcessBus();
    const handled: string[] = [];
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    await bus.consume({ durable: "fast", subjects: ["ihp.test.>"] }, (m) => {
      handled.push(`fast:${m.id}`);
      return Promise.resolve();
    });
    await bus.consume({ durable: "slow", subjects: ["ihp.test.v1.*"] }, async (m) => {
      await slowGate;
      handled.push(`slow:${m.id}`);
    });
    await bus.consume({ durable: "elsewhere", subjects: ["ihp.other.>"] }, () => Promise.reject(new Error("never")));
    const sent = message();
    let resolved = false;
    const publishing = bus.publish(sent).then(() => {
      resolved = true;
    });
    await waitFor(() => handled.includes(`fast:${sent.id}`), 5_000, "the fast consumer");
    expect(resolved).toBe(false);
    releaseSlow();
    await publishing;
    expect(handled).toEqual([`fast:${sent.id}`, `slow:${sent.id}`]);
    await bus.close();
  });

  it("does not wait for a stopped durable, which gets the message when it resumes", async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    const spec = { durable: "paused", subjects: ["ihp.test.>"] };
    const consumer = await bus.consume(spec, (m) => {
      seen.push(m.id);
      return Promise.resolve();
    });
    await consumer.stop();
    const sent = message();
    await bus.publish(sent);
    expect(seen).toEqual([]);
    await bus.consume(spec, (m) => {
      seen.push(m.id);
      return Promise.resolve();
    });
    await waitFor(() => seen.length === 1, 5_000, "the resumed durable");
    expect(seen).toEqual([sent.id]);
    await bus.close();
  });

  it("gives up after maxDeliver failed deliveries, tells the listener, and lets the publisher go on", async () => {
    const giveUps: GiveUp[] = [];
    const bus = new InProcessBus({ redelivery: { initialMs: 1, maxMs: 5 }, onGiveUp: (g) => giveUps.push(g) });
    const counts: number[] = [];
    const after: string[] = [];
    const poison = message();
    await bus.consume({ durable: "strict", subjects: ["ihp.test.>"], maxDeliver: 3 }, (m) => {
      if (m.id !== poison.id) {
        after.push(m.id);
        return Promise.resolve();
      }
      counts.push(m.deliveryCount);
      return Promise.reject(new Error("poison"));
    });
    await bus.publish(poison);
    const next = message();
    await bus.publish(next);
    expect(counts).toEqual([1, 2, 3]);
    expect(giveUps.map((g) => [g.durable, g.message.id, g.message.deliveryCount])).toEqual([["strict", poison.id, 3]]);
    expect(after).toEqual([next.id]);
    await bus.close();
  });

  it("drops a repeated id only within the duplicate window", async () => {
    let now = 0;
    const bus = new InProcessBus({ duplicateWindowMs: 1_000, now: () => now });
    const seen: string[] = [];
    await bus.consume({ durable: "window", subjects: ["ihp.test.>"] }, (m) => {
      seen.push(m.id);
      return Promise.resolve();
    });
    const sent = message();
    await bus.publish(sent);
    now = 999;
    await bus.publish(sent);
    expect(seen).toEqual([sent.id]);
    now = 2_500;
    await bus.publish(sent);
    expect(seen).toEqual([sent.id, sent.id]);
    await bus.close();
  });

  it("makes a repeated publish wait for the first one's consumers, so a relay never checkpoints early", async () => {
    const bus = new InProcessBus();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await bus.consume({ durable: "gated", subjects: ["ihp.test.>"] }, () => gate);
    const sent = message();
    const events: string[] = [];
    const first = bus.publish(sent).then(() => events.push("first"));
    const repeat = bus.publish(sent).then(() => events.push("repeat"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    release();
    await Promise.all([first, repeat]);
    expect(events.sort()).toEqual(["first", "repeat"]);
    await bus.close();
  });

  it("gives a new durable the latest retainMessages messages; none at startAt new, none once retention ended", async () => {
    const bus = new InProcessBus({ retainMessages: 3 });
    const sent = Array.from({ length: 5 }, () => message());
    for (const m of sent) await bus.publish(m);
    /** What a new durable gets before a message published after it was created. */
    const before = async (durable: string, startAt?: "new"): Promise<string[]> => {
      const seen: string[] = [];
      await bus.consume({ durable, subjects: ["ihp.test.>"], ...(startAt === undefined ? {} : { startAt }) }, (m) => {
        seen.push(m.id);
        return Promise.resolve();
      });
      const sentinel = message();
      await bus.publish(sentinel);
      await waitFor(() => seen.includes(sentinel.id), 5_000, `${durable} to get the message published after it`);
      return seen.slice(0, seen.indexOf(sentinel.id));
    };
    expect(await before("late")).toEqual(sent.slice(-3).map((m) => m.id));
    expect(await before("new-only", "new")).toEqual([]);
    bus.endRetention();
    expect(await before("after-the-end")).toEqual([]);
    await bus.close();
  });

  it("routes by a durable's current subjects: one created later, or consumed again with other subjects, gets what follows", async () => {
    // Nothing retained: a new durable gets only what is published after it.
    const bus = new InProcessBus({ retainMessages: 0 });
    const seen: string[] = [];
    const record = (durable: string) => (m: BusMessage) => {
      seen.push(`${durable}:${m.subject}`);
      return Promise.resolve();
    };
    const first = await bus.consume({ durable: "moving", subjects: ["ihp.a.>"] }, record("moving"));
    // Both subjects published once, so the bus has worked out where each goes before the filters change.
    await bus.publish(message("ihp.a.v1.X"));
    await bus.publish(message("ihp.b.v1.X"));
    await first.stop();
    await bus.consume({ durable: "late", subjects: ["ihp.a.v1.X"] }, record("late"));
    await bus.publish(message("ihp.a.v1.X"));
    await bus.consume({ durable: "moving", subjects: ["ihp.b.>"] }, record("moving"));
    await bus.publish(message("ihp.a.v1.X"));
    await bus.publish(message("ihp.b.v1.X"));
    expect(seen).toEqual(["moving:ihp.a.v1.X", "late:ihp.a.v1.X", "late:ihp.a.v1.X", "moving:ihp.b.v1.X"]);
    await bus.close();
  });

  it("refuses a second consumer on a running durable, bad subjects, and any use after close", async () => {
    const bus = new InProcessBus();
    const spec = { durable: "single", subjects: ["ihp.test.>"] };
    await bus.consume(spec, () => Promise.resolve());
    await expect(bus.consume(spec, () => Promise.resolve())).rejects.toBeInstanceOf(DurableInUseError);
    await expect(bus.consume({ durable: "bad", subjects: ["ihp.>.x"] }, () => Promise.resolve())).rejects.toThrow(
      /invalid filter subject/,
    );
    await expect(bus.publish(message("ihp.test.*"))).rejects.toThrow(/invalid publish subject/);
    await bus.close();
    await expect(bus.publish(message())).rejects.toBeInstanceOf(BusClosedError);
    await expect(bus.consume({ durable: "late", subjects: ["ihp.>"] }, () => Promise.resolve())).rejects.toBeInstanceOf(
      BusClosedError,
    );
  });
});
