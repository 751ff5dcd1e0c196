import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail } from "@ihp/platform";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { createPrescriptionCommands } from "../src/application/prescriptionCommands.js";
import { AT, catalogue, consult, CONSULT_ID, content, INSTITUTION_ID, PHYSICIAN } from "./support/fixtures.js";
import { InMemoryConsults, InMemorySessions, InMemorySignatures } from "./support/ports.js";

// reqcpu: a command decides on what its request has just read, instead of reading the same stream again; the stream's
// revision still guards the append, so a writer that got in meanwhile costs one retry on a fresh read.

const stores: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** A store whose readStream calls are counted per stream id. */
function countingStore(): { store: EventStore; readsOf: (prefix: string) => number; inner: SqliteEventStore } {
  const inner = SqliteEventStore.open({ path: ":memory:" });
  stores.push(inner);
  const reads: string[] = [];
  const store: EventStore = {
    append: (id, events, expected) => inner.append(id, events, expected),
    appendMany: (batch) => inner.appendMany(batch),
    readStream: (id, options) => {
      reads.push(id);
      return inner.readStream(id, options);
    },
    readAll: (options) => inner.readAll(options),
    subscribe: (options) => inner.subscribe(options),
    verify: () => inner.verify(),
    close: () => Promise.resolve(),
  };
  return { store, inner, readsOf: (prefix) => reads.filter((id) => id.startsWith(prefix)).length };
}

function physician(sessions: InMemorySessions): Caller {
  const claims = { sub: PHYSICIAN.id, sid: sessions.currentSession(PHYSICIAN.id), kind: "human" };
  const token = `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.s`;
  return {
    principal: { subject: PHYSICIAN.id, roles: ["physician"], tenantId: INSTITUTION_ID, kind: "human", sessionId: claims.sid },
    correlationId: "c-reads",
    trace: {},
    token,
  };
}

function commandsOn(store: EventStore) {
  const consults = new InMemoryConsults();
  consults.contexts.set(CONSULT_ID, consult());
  const sessions = new InMemorySessions();
  const clock = () => AT;
  const audit = createAuditTrail({ store, context: "prescription", clock, newId: uuidv7 });
  const signatures = new InMemorySignatures();
  const commands = createPrescriptionCommands({ store, audit, clock, newEventId: uuidv7, catalogue, consults, signatures, sessions });
  return { commands, signatures, caller: physician(sessions) };
}

describe("prescription commands read each stream once (reqcpu)", () => {
  it("RX-10: signing reads the day's serials stream once: the allocation decides on that read", async () => {
    const { store, readsOf } = countingStore();
    const { commands, caller } = commandsOn(store);
    const { prescription: draft } = await commands.draft(caller, { requestId: "draft-reads-01", consultId: CONSULT_ID, content: content() });
    const before = readsOf("prescription-serials-");
    const { prescription: signed } = await commands.sign(caller, { requestId: "sign-reads-001", prescriptionId: draft.prescriptionId, version: draft.version, validityDays: 1 });
    expect(readsOf("prescription-serials-") - before).toBe(1);
    expect(signed.signed?.serialNumber).toMatch(/-000001$/);
  });

  it("RX-10: a number taken by another signing after the read is not given twice: the next one is taken", async () => {
    const { store, inner } = countingStore();
    const { commands, caller, signatures } = commandsOn(store);
    const { prescription: first } = await commands.draft(caller, { requestId: "draft-race-001", consultId: CONSULT_ID, content: content() });
    const { prescription: second } = await commands.draft(caller, { requestId: "draft-race-002", consultId: CONSULT_ID, content: content() });
    // The second signing reads the serials while the first is being signed: both read "000001 is next".
    const signing = Promise.all([
      commands.sign(caller, { requestId: "sign-race-0001", prescriptionId: first.prescriptionId, version: first.version, validityDays: 1 }),
      commands.sign(caller, { requestId: "sign-race-0002", prescriptionId: second.prescriptionId, version: second.version, validityDays: 1 }),
    ]);
    const serials = (await signing).map((view) => view.prescription.signed?.serialNumber.slice(-6)).sort();
    expect(serials).toEqual(["000001", "000002"]);
    // They did race: the loser signed again with the next number.
    expect(signatures.signed).toBe(3);
    const allocated = (await inner.readAll({ limit: 1_000 })).filter((event) => event.type === "SerialNumberAllocated");
    expect(allocated.map((event) => (event.data as { serialNumber: string }).serialNumber.slice(-6))).toEqual(["000001", "000002"]);
  });

  it("a review outcome reads the prescription's stream once, and a redelivery changes nothing", async () => {
    const { store, readsOf, inner } = countingStore();
    const { commands, caller } = commandsOn(store);
    const { prescription: draft } = await commands.draft(caller, { requestId: "draft-review-1", consultId: CONSULT_ID, content: content() });
    const { prescription: signed } = await commands.sign(caller, { requestId: "sign-review-01", prescriptionId: draft.prescriptionId, version: draft.version, validityDays: 1 });
    const stream = `prescription-${draft.prescriptionId}`;
    const outcome = {
      messageId: "msg-review-0001",
      prescriptionId: draft.prescriptionId,
      serialNumber: signed.signed?.serialNumber ?? "",
      outcome: "RETURNED" as const,
      reasonCode: "DOSE_UNCLEAR",
      pharmacistId: "pharm-1",
      reviewedAt: AT.toISOString(),
      institutionId: INSTITUTION_ID,
    };
    const before = readsOf(stream);
    await commands.recordReviewOutcome(outcome);
    expect(readsOf(stream) - before).toBe(1);
    const length = (await inner.readStream(stream)).length;
    await commands.recordReviewOutcome(outcome);
    expect(await inner.readStream(stream)).toHaveLength(length);
  });
});
