import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createKeyRing, ERASED, memoryDataKeyStore, openKeyFileCustody, sealedEventStore, type SealedEventStore } from "@ihp/keyring";
import { type BusMessage, decodeEnvelope, envelopeMessage, InProcessBus } from "@ihp/messaging";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ERASURE_REQUESTED, erasureHolder, erasureHolderSpec } from "../src/erasure.js";

// Issue 10 item 3, a key holder's side: an order destroys the holder's own key (its data reads as 已销毁), records one
// confirmation in its log and publishes it; a repeated order confirms again with the same message; an order that does
// not name the holder changes nothing.

const NOW = new Date("2041-03-02T02:00:00Z");
const metadata = { actorId: "admin-a", actorRole: "institution_admin", tenantId: "t-a", correlationId: "c", causationId: "c", occurredAt: NOW.toISOString() };

let dir: string;
let raw: SqliteEventStore;
let store: SealedEventStore;
let bus: InProcessBus;
let confirmations: BusMessage[];
/** Ids of what the holder published (the bus drops a repeated id, as JetStream does within its window). */
let published: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ihp-erasure-holder-"));
  raw = SqliteEventStore.open({ path: ":memory:" });
  const keys = memoryDataKeyStore();
  const custody = await openKeyFileCustody({ path: join(dir, "master.json") });
  store = sealedEventStore(raw, {
    ring: createKeyRing({ custody, store: keys }),
    keys,
    policy: { events: { MessageSent: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["text"] } } },
  });
  bus = new InProcessBus();
  confirmations = [];
  published = [];
  const spied = Object.assign(Object.create(bus) as InProcessBus, {
    publish: (message: BusMessage) => {
      published.push(message.id);
      return bus.publish(message);
    },
  });
  await bus.consume({ durable: "coordinator", subjects: ["ihp.consult.v1.SubjectErasureConfirmed"] }, (message) => {
    confirmations.push(message);
    return Promise.resolve();
  });
  const spec = erasureHolderSpec("consult", "identity");
  await bus.consume(spec, erasureHolder({ context: "consult", coordinator: "identity", store, bus: spied, clock: () => NOW, newId: uuidv7 }));
});
afterEach(async () => {
  await bus.close();
  await raw.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The coordinator's order as its relay publishes it. */
async function order(holders: string[], erasureId = "e".repeat(32)): Promise<void> {
  const appended = await raw.append(`subject-erasure-${erasureId}`, [
    { id: uuidv7(), type: ERASURE_REQUESTED, schemaVersion: 1, data: { erasureId, subject: "p-1", retentionClass: "clinical", approvalRef: "approval-7", holders }, metadata },
  ], "any");
  await bus.publish(envelopeMessage("identity")(appended.events[0]!));
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe("erasure holder (issue 10, XC-01)", () => {
  it("XC-01: destroys its own key, records and publishes one confirmation; a repeated order confirms with the same message", async () => {
    await store.append("consult-1", [{ id: uuidv7(), type: "MessageSent", schemaVersion: 1, data: { patientId: "p-1", text: "空腹血糖7.2" }, metadata }], "no_stream");
    await order(["identity", "consult"]);
    await until(() => confirmations.length === 1);
    const [message] = await store.readStream("consult-1");
    expect(message?.data.text).toBe(ERASED);
    const { data } = decodeEnvelope(confirmations[0]!);
    expect(data).toEqual({ erasureId: "e".repeat(32), holder: "consult", subject: "p-1", retentionClass: "clinical" });
    await order(["consult"]);
    await until(() => published.length === 2);
    expect(published).toEqual([confirmations[0]?.id, confirmations[0]?.id]);
    const types = (await readWholeLog(raw)).map((event) => event.type);
    expect(types.filter((type) => type === "SubjectKeyDestroyed")).toHaveLength(1);
    expect(types.filter((type) => type === "SubjectErasureConfirmed")).toHaveLength(1);
    expect(await raw.verify()).toMatchObject({ ok: true });
  });

  it("ignores an order that does not name it", async () => {
    await store.append("consult-1", [{ id: uuidv7(), type: "MessageSent", schemaVersion: 1, data: { patientId: "p-1", text: "空腹血糖7.2" }, metadata }], "no_stream");
    await order(["identity", "pharmacy"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(confirmations).toEqual([]);
    expect((await store.readStream("consult-1"))[0]?.data.text).toBe("空腹血糖7.2");
  });
});
