import type { EventStore } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { InProcessBus } from "@ihp/messaging";
import { createLogger } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { logGiveUp } from "../src/adapters/busConnection.js";
import { decodeIdentityMessage } from "../src/adapters/identityEvents.js";
import { FEED_DURABLE, feedMessageHandler, IDENTITY_SUBJECTS } from "../src/application/feedConsumer.js";
import { SECRETS, staffRecordChanged } from "./support/activityEvents.js";
import { LogCapture } from "./support/logCapture.js";

// The service's own consumer wiring (feedMessageHandler + the bus's maxDeliver + logGiveUp, as connectOwnBus builds
// it) around a store whose appends fail: the failure a retry can fix, e.g. a full disk.

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** A real store whose appends fail while `failing.now` is true, counting attempts. */
function flakyStore(real: EventStore, failing: { now: boolean; attempts: number }): EventStore {
  return new Proxy(real, {
    get(target, property) {
      if (property === "append") {
        return async (...args: Parameters<EventStore["append"]>) => {
          failing.attempts += 1;
          if (failing.now) throw new Error("disk I/O error");
          return target.append(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("staff record delivery (REP-03)", () => {
  it("REP-03: a staff record that cannot be stored is retried up to maxDeliver, then alerts FEED_MESSAGE_GIVEN_UP without personal data; a replay records it", async () => {
    const logs = new LogCapture();
    const logger = createLogger({ name: "reporting", level: "debug", destination: logs });
    const bus = new InProcessBus({ duplicateWindowMs: 0, redelivery: { initialMs: 1, maxMs: 5 }, onGiveUp: logGiveUp(logger) });
    const real = SqliteEventStore.open({ path: ":memory:" });
    closing.push(() => real.close(), () => bus.close());
    const failing = { now: true, attempts: 0 };
    const handler = feedMessageHandler({
      store: flakyStore(real, failing),
      logger,
      clock: () => new Date("2026-03-01T08:00:05.000Z"),
      decode: decodeIdentityMessage,
    });
    await bus.consume({ durable: FEED_DURABLE, subjects: IDENTITY_SUBJECTS, maxDeliver: 3 }, handler);

    const staff = staffRecordChanged("inst-1");
    await bus.publish(staff);
    expect(failing.attempts).toBe(3);
    expect(logs.withCode("FEED_MESSAGE_GIVEN_UP")).toEqual([
      expect.objectContaining({
        level: 50,
        durable: FEED_DURABLE,
        messageId: staff.id,
        subject: "ihp.identity.v1.StaffRecordChanged",
        deliveryCount: 3,
      }),
    ]);
    expect(await readWholeLog(real)).toEqual([]);
    for (const secret of [SECRETS.idNumber, SECRETS.staffName]) expect(logs.raw.join("\n")).not.toContain(secret);

    // Fixed, the event is replayed from identity's log (or the JetStream stream): recorded once.
    failing.now = false;
    await bus.publish(staff);
    await bus.publish(staff);
    const recorded = await readWholeLog(real);
    expect(recorded.map((event) => [event.type, event.streamId, event.data["category"]])).toEqual([
      ["FeedEntryRecorded", "reporting-staff-prac-1", "STAFF_RECORD"],
    ]);
    expect(logs.withCode("FEED_MESSAGE_GIVEN_UP")).toHaveLength(1);
  });
});
