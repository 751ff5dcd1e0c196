import { type EventStore, type NewEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import type { AuditTrail } from "@ihp/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { consultStreamId } from "../src/application/ids.js";
import { createMessageFeed } from "../src/application/messageFeed.js";
import type { ConsultEvent, MessageSentData } from "../src/domain/consults/index.js";
import { ACCEPTED, CONSENTED, CONSULT_ID, ELIGIBLE, INSTITUTION_ID, PATIENT, REQUESTED, STARTED } from "./support/fixtures.js";

// Issue 15: a consult's message watcher follows its own stream — it starts from the stream's last event without
// reading the rest of the log, and other consults' events neither reach it nor wake it.

const metadata = { actorId: PATIENT, actorRole: "patient", tenantId: INSTITUTION_ID, correlationId: "c", causationId: "c", occurredAt: "2026-03-15T02:00:00.000Z" };
const stored = (event: ConsultEvent): NewEvent => ({ id: uuidv7(), type: event.type, schemaVersion: 1, data: event.data, metadata });
const message = (consultId: string, n: number): NewEvent =>
  stored({
    type: "MessageSent",
    data: { consultId, messageId: `m-${n}`, senderId: PATIENT, senderRole: "PATIENT", kind: "TEXT", text: `message ${n}`, mediaUri: "", mediaSha256: "", sentAt: metadata.occurredAt },
  });

const caller: Caller = {
  principal: { subject: PATIENT, roles: ["patient"], tenantId: INSTITUTION_ID, kind: "human" },
  token: "",
  correlationId: "c",
  trace: {},
};
const audit: AuditTrail = {
  refused: () => Promise.reject(new Error("no refusal expected")),
  recorded: () => Promise.reject(new Error("no access record expected")),
};

const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
};

let store: SqliteEventStore;
beforeEach(() => {
  // No poll the test waits for: whatever reaches the watcher was woken by a commit.
  store = SqliteEventStore.open({ path: ":memory:", pollIntervalMs: 600_000 });
});
afterEach(() => store.close());

describe("the consult message watcher", () => {
  it("XC-01: starts from its consult's stream and is neither reached nor woken by other consults' events", async () => {
    const other = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f99";
    await store.append(consultStreamId(CONSULT_ID), [REQUESTED, ACCEPTED, ELIGIBLE, CONSENTED, STARTED].map(stored), "no_stream");
    // Other consults' history after it: a whole-log catch-up would read all of it.
    for (let n = 0; n < 20; n++) await store.append(consultStreamId(other), [message(other, n)], n === 0 ? "no_stream" : n - 1);
    // The watcher may read its stream only: the whole log (readAll, subscribe) is off limits.
    const streamOnly = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "readAll" || property === "subscribe") throw new Error(`the watcher read the whole log (${String(property)})`);
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as EventStore;
    const received: MessageSentData[] = [];
    const controller = new AbortController();
    const watching = createMessageFeed({ store: streamOnly, audit })(caller, CONSULT_ID, controller.signal, (sent) => {
      received.push(sent);
      return Promise.resolve();
    });
    await settle();
    const wakeups = store.stats().streamWakeups;
    for (let n = 20; n < 70; n++) await store.append(consultStreamId(other), [message(other, n)], n - 1);
    await settle();
    expect(received).toEqual([]);
    expect(store.stats().streamWakeups).toBe(wakeups);
    await store.append(consultStreamId(CONSULT_ID), [message(CONSULT_ID, 1)], 4);
    for (let turn = 0; turn < 50 && received.length === 0; turn++) await settle();
    expect(received.map((sent) => sent.messageId)).toEqual(["m-1"]);
    expect(store.stats().streamWakeups).toBe(wakeups + 1);
    controller.abort();
    await watching;
  });
});
