import { randomBytes, randomUUID } from "node:crypto";
import { setImmediate as nextTurn, setTimeout as delay } from "node:timers/promises";
import type { Bus, BusMessage, Consumer, DeliveredMessage, MessageHandler } from "@ihp/messaging";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "./waitFor.js";

/** Names one test may use without meeting another's on a shared server. */
export interface BusTestScope {
  /** Random lower-case hex, e.g. for a stream name. */
  readonly id: string;
  /** Every subject the test publishes or consumes starts with this plus a dot (e.g. ctest.<id>). */
  readonly subjectPrefix: string;
}

export interface BusUnderTest {
  readonly bus: Bus;
  readonly cleanup: () => Promise<void>;
}

/**
 * The contract every Bus adapter passes (ARCHITECTURE §3). `makeBus` is called once per test with fresh names; it
 * must make the subjects under `scope.subjectPrefix` publishable (JetStream: a stream on `<prefix>.>`) and configure
 * short redelivery delays (tens of milliseconds) so that the redelivery test is quick.
 */
export function busContract(name: string, makeBus: (scope: BusTestScope) => Promise<BusUnderTest>): void {
  describe(`Bus contract: ${name}`, () => {
    let current: BusUnderTest | undefined;
    let scope: BusTestScope;
    let gates: Gate[] = [];

    afterEach(async () => {
      // A test that failed while a handler waited on its gate would otherwise hang the cleanup (stop waits for it).
      for (const gate of gates) gate.open();
      gates = [];
      await current?.cleanup();
      current = undefined;
    });

    async function setUp(): Promise<Bus> {
      const id = randomBytes(5).toString("hex");
      scope = { id, subjectPrefix: `ctest.${id}` };
      current = await makeBus(scope);
      return current.bus;
    }
    const subject = (suffix: string): string => `${scope.subjectPrefix}.${suffix}`;
    const durable = (purpose: string): string => `${purpose}-${scope.id}`;
    const newGate = (): Gate => {
      const gate = new Gate();
      gates.push(gate);
      return gate;
    };

    it("delivers a published message with its subject, id, data and headers intact", async () => {
      const bus = await setUp();
      const inbox = new Inbox();
      await bus.consume({ durable: durable("plain"), subjects: [subject(">")] }, inbox.handler);
      const sent: BusMessage = {
        subject: subject("v1.InstitutionRegistered"),
        id: randomUUID(),
        data: new Uint8Array([0, 1, 2, 254, 255]),
        headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "ihp=1" },
      };
      await bus.publish(sent);
      await inbox.waitForCount(1);
      const [received] = inbox.messages;
      expect(received?.subject).toBe(sent.subject);
      expect(received?.id).toBe(sent.id);
      expect(Array.from(received?.data ?? [])).toEqual([0, 1, 2, 254, 255]);
      expect(received?.headers).toEqual(sent.headers);
      expect(received?.deliveryCount).toBe(1);
    });

    it("routes by subject with NATS wildcards: * is one token, > is one or more at the end", async () => {
      const bus = await setUp();
      const oneToken = new Inbox();
      const tail = new Inbox();
      const middle = new Inbox();
      await bus.consume({ durable: durable("one"), subjects: [subject("a.*")] }, oneToken.handler);
      await bus.consume({ durable: durable("tail"), subjects: [subject("a.>")] }, tail.handler);
      await bus.consume({ durable: durable("middle"), subjects: [subject("*.x"), subject("c.y")] }, middle.handler);
      for (const suffix of ["a.x", "a.y", "b.x", "a.x.deep", "c.y", "a"]) await bus.publish(message(subject(suffix)));
      const sentinel = message(subject("a.end"));
      await bus.publish(sentinel);
      await Promise.all([oneToken.waitForId(sentinel.id), tail.waitForId(sentinel.id)]);
      await middle.waitForCount(3);
      expect(oneToken.suffixes(scope)).toEqual(["a.x", "a.y", "a.end"]);
      expect(tail.suffixes(scope)).toEqual(["a.x", "a.y", "a.x.deep", "a.end"]);
      expect(middle.suffixes(scope).sort()).toEqual(["a.x", "b.x", "c.y"]);
    });

    it("hands each consumer its messages in publish order, one at a time", async () => {
      const bus = await setUp();
      const inbox = new Inbox();
      let running = 0;
      let overlapped = false;
      await bus.consume({ durable: durable("order"), subjects: [subject(">")] }, async (m) => {
        running += 1;
        overlapped ||= running > 1;
        await nextTurn();
        running -= 1;
        await inbox.handler(m);
      });
      const sent = Array.from({ length: 40 }, (_, i) => message(subject(`seq.${i % 3}`)));
      // Published without waiting for each other: the bus must keep the call order.
      await Promise.all(sent.map((m) => bus.publish(m)));
      await inbox.waitForCount(sent.length);
      expect(inbox.ids()).toEqual(sent.map((m) => m.id));
      expect(overlapped).toBe(false);
    });

    it("by default a message in hand holds the next one, which follows it", async () => {
      const bus = await setUp();
      const inbox = new Inbox();
      const started: string[] = [];
      const gate = newGate();
      const [first, second] = [message(subject("held")), message(subject("held"))];
      await bus.consume({ durable: durable("held"), subjects: [subject(">")] }, async (m) => {
        started.push(m.id);
        if (m.id === first.id) await gate.opened;
        await inbox.handler(m);
      });
      // Not awaited: with the in-process bus, publish resolves only once the handler has.
      const published = [bus.publish(first), bus.publish(second)];
      await waitFor(() => started.includes(first.id), 10_000, "the first handler to start");
      // Absence can only be observed over some time.
      await delay(150);
      expect(started).toEqual([first.id]);
      gate.open();
      await Promise.all(published);
      await inbox.waitForCount(2);
      expect(inbox.ids()).toEqual([first.id, second.id]);
    });

    it("with concurrency 3, a blocked message does not hold the others, and never more than 3 run at once", async () => {
      const bus = await setUp();
      const inbox = new Inbox();
      const gate = newGate();
      let running = 0;
      let mostRunning = 0;
      const blocked = message(subject("wide"));
      const others = Array.from({ length: 9 }, () => message(subject("wide")));
      await bus.consume({ durable: durable("wide"), subjects: [subject(">")], concurrency: 3 }, async (m) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        // Long enough for the slots to fill up while the messages arrive.
        await (m.id === blocked.id ? gate.opened : delay(50));
        running -= 1;
        await inbox.handler(m);
      });
      const published = [blocked, ...others].map((m) => bus.publish(m));
      await inbox.waitForCount(others.length);
      expect(inbox.ids().sort()).toEqual(others.map((m) => m.id).sort());
      gate.open();
      await Promise.all(published);
      await inbox.waitForId(blocked.id);
      expect(mostRunning).toBe(3);
    });

    it("with concurrency 2, a failing message is redelivered while the others are handled", async () => {
      const bus = await setUp();
      const inbox = new Inbox();
      const attempts: number[] = [];
      const flaky = message(subject("flaky"));
      const others = Array.from({ length: 5 }, () => message(subject("steady")));
      await bus.consume({ durable: durable("flakywide"), subjects: [subject(">")], concurrency: 2 }, async (m) => {
        if (m.id === flaky.id) {
          attempts.push(m.deliveryCount);
          // Fails for as long as the others are not all handled: were they held behind it, it would fail forever.
          if (inbox.messages.length < others.length) throw new Error(`not yet (${m.deliveryCount})`);
        }
        await inbox.handler(m);
      });
      await Promise.all([flaky, ...others].map((m) => bus.publish(m)));
      await inbox.waitForId(flaky.id);
      expect(inbox.ids().slice(0, others.length).sort()).toEqual(others.map((m) => m.id).sort());
      expect(attempts.length).toBeGreaterThan(1);
      expect(attempts).toEqual(attempts.map((_, i) => i + 1));
      expect(inbox.messages.at(-1)?.deliveryCount).toBe(attempts.length);
    });

    it("stop() waits for every handler in flight when several run at once", async () => {
      const bus = await setUp();
      const events: string[] = [];
      const handlerGates = [newGate(), newGate()];
      let started = 0;
      const consumer = await bus.consume({ durable: durable("inflight2"), subjects: [subject(">")], concurrency: 2 }, async () => {
        const gate = handlerGates[started];
        started += 1;
        await gate?.opened;
        events.push("handler finished");
      });
      const published = [bus.publish(message(subject("slow"))), bus.publish(message(subject("slow")))];
      await waitFor(() => started === 2, 10_000, "both handlers to start");
      const stopped = consumer.stop().then(() => events.push("stopped"));
      handlerGates[0]?.open();
      await delay(100);
      events.push("released");
      handlerGates[1]?.open();
      await stopped;
      await Promise.all(published);
      expect(events).toEqual(["handler finished", "released", "handler finished", "stopped"]);
    });

    it("refuses a concurrency that is not a positive integer with a TypeError", async () => {
      const bus = await setUp();
      for (const concurrency of [0, -1, 1.5, Number.NaN]) {
        const consuming = bus.consume({ durable: durable("bad"), subjects: [subject(">")], concurrency }, () => Promise.resolve());
        await expect(consuming).rejects.toBeInstanceOf(TypeError);
        await expect(consuming).rejects.toMatchObject({ code: "INVALID_CONCURRENCY" });
      }
    });

    it("gives every durable every message", async () => {
      const bus = await setUp();
      const first = new Inbox();
      const second = new Inbox();
      await bus.consume({ durable: durable("first"), subjects: [subject(">")] }, first.handler);
      await bus.consume({ durable: durable("second"), subjects: [subject(">")] }, second.handler);
      const sent = Array.from({ length: 10 }, () => message(subject("both")));
      for (const m of sent) await bus.publish(m);
      await Promise.all([first.waitForCount(10), second.waitForCount(10)]);
      expect(first.ids()).toEqual(sent.map((m) => m.id));
      expect(second.ids()).toEqual(sent.map((m) => m.id));
    });

    it("gives a new durable the messages published before it was first created", async () => {
      const bus = await setUp();
      const sent = [message(subject("early")), message(subject("early"))];
      for (const m of sent) await bus.publish(m);
      const inbox = new Inbox();
      await bus.consume({ durable: durable("late"), subjects: [subject(">")] }, inbox.handler);
      await inbox.waitForCount(2);
      expect(inbox.ids()).toEqual(sent.map((m) => m.id));
    });

    it("resumes a durable after stop: what was published meanwhile comes, nothing acked comes again", async () => {
      const bus = await setUp();
      const spec = { durable: durable("resume"), subjects: [subject(">")] };
      const before = new Inbox();
      const first = await bus.consume(spec, before.handler);
      const acked = Array.from({ length: 3 }, () => message(subject("r")));
      for (const m of acked) await bus.publish(m);
      await before.waitForCount(3);
      await first.stop();

      const whileStopped = [message(subject("r")), message(subject("r"))];
      for (const m of whileStopped) await bus.publish(m);
      const after = new Inbox();
      await bus.consume(spec, after.handler);
      const sentinel = message(subject("r"));
      await bus.publish(sentinel);
      await after.waitForId(sentinel.id);
      expect(after.ids()).toEqual([...whileStopped, sentinel].map((m) => m.id));
      expect(before.ids()).toEqual(acked.map((m) => m.id));
    });

    it("redelivers a rejected message with a higher deliveryCount until the handler resolves", async () => {
      const bus = await setUp();
      const attempts: number[] = [];
      const inbox = new Inbox();
      const flaky = message(subject("flaky"));
      await bus.consume({ durable: durable("retry"), subjects: [subject(">")] }, async (m) => {
        if (m.id === flaky.id) {
          attempts.push(m.deliveryCount);
          if (m.deliveryCount < 3) throw new Error(`transient failure ${m.deliveryCount}`);
        }
        await inbox.handler(m);
      });
      await bus.publish(flaky);
      await inbox.waitForId(flaky.id);
      expect(attempts).toEqual([1, 2, 3]);
      expect(inbox.messages[0]?.deliveryCount).toBe(3);
    });

    it("delivers a message published twice with the same id once", async () => {
      const bus = await setUp();
      const inbox = new Inbox();
      await bus.consume({ durable: durable("dedup"), subjects: [subject(">")] }, inbox.handler);
      const original = message(subject("dup"));
      await bus.publish(original);
      // The same event published again, e.g. by a relay that crashed before saving its checkpoint.
      await bus.publish({ ...original, data: new Uint8Array(original.data) });
      const sentinel = message(subject("dup"));
      await bus.publish(sentinel);
      await inbox.waitForId(sentinel.id);
      expect(inbox.ids()).toEqual([original.id, sentinel.id]);
    });

    it("stop() waits for the handler in flight", async () => {
      const bus = await setUp();
      const events: string[] = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const consumer: Consumer = await bus.consume(
        { durable: durable("inflight"), subjects: [subject(">")] },
        async () => {
          events.push("handler started");
          await released;
          events.push("handler finished");
        },
      );
      // Not awaited: with the in-process bus, publish resolves only once the handler has.
      const published = bus.publish(message(subject("slow")));
      await waitFor(() => events.includes("handler started"), 10_000, "the handler to start");
      const stopped = consumer.stop().then(() => events.push("stopped"));
      // Absence can only be observed over some time: give a stop that does not wait the chance to finish early.
      await delay(100);
      events.push("released");
      release();
      await stopped;
      await published;
      expect(events).toEqual(["handler started", "released", "handler finished", "stopped"]);
    });
  });
}

function message(subject: string): BusMessage {
  return { subject, id: randomUUID(), data: new TextEncoder().encode(subject), headers: {} };
}

/** A promise a test opens when it wants a blocked handler to go on. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
}

/** Collects what a consumer was handed. */
class Inbox {
  readonly messages: DeliveredMessage[] = [];
  readonly handler: MessageHandler = (m) => {
    this.messages.push(m);
    return Promise.resolve();
  };

  ids(): string[] {
    return this.messages.map((m) => m.id);
  }

  suffixes(scope: BusTestScope): string[] {
    return this.messages.map((m) => m.subject.slice(scope.subjectPrefix.length + 1));
  }

  waitForCount(count: number): Promise<void> {
    return waitFor(() => this.messages.length >= count, 10_000, `${count} messages (have ${this.messages.length})`);
  }

  waitForId(id: string): Promise<void> {
    return waitFor(() => this.messages.some((m) => m.id === id), 10_000, `message ${id}`);
  }
}
