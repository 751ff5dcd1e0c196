import { randomUUID } from "node:crypto";
import type { EventStore, StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail, type Principal } from "@ihp/platform";
import { openSqliteReadModels } from "@ihp/projections";
import { describe, expect, it } from "vitest";
import { createPrescriptionQueries } from "../src/application/prescriptionQueries.js";
import { type PrescriptionReadModels, prescriptionsProjection } from "../src/application/prescriptionsProjection.js";
import { catalogue, INSTITUTION_ID } from "./support/fixtures.js";

const GOVERNANCE: Principal = { subject: "gov-1", roles: ["pharmacy_governance"], tenantId: INSTITUTION_ID, kind: "human" };

/** The store, counting every event a read hands back (readStream and readAll). */
function counting(store: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  const count = (events: readonly StoredEvent[]) => {
    read += events.length;
    return events;
  };
  const wrapped: EventStore = {
    append: (...args) => store.append(...args),
    appendMany: (batch) => store.appendMany(batch),
    readStream: async (...args) => count(await store.readStream(...args)),
    readAll: async (...args) => count(await store.readAll(...args)),
    subscribe: (...args) => store.subscribe(...args),
    verify: () => store.verify(),
    close: () => store.close(),
  };
  return { store: wrapped, read: () => read };
}

/** Events read by one statistics query after `earlier` queries have been recorded for the institution. */
async function eventsReadByQuery(earlier: number): Promise<number> {
  const log = SqliteEventStore.open({ path: ":memory:" });
  const readModels = openSqliteReadModels<PrescriptionReadModels>(":memory:");
  try {
    await prescriptionsProjection.setup(readModels);
    const counted = counting(log);
    const clock = () => new Date("2026-03-02T02:00:00Z");
    const audit = createAuditTrail({ store: log, context: "prescription", clock, newId: randomUUID });
    const queries = createPrescriptionQueries({ store: counted.store, readModels, catalogue, audit, clock, newId: randomUUID });
    const ask = () => queries.statistics({ principal: GOVERNANCE, correlationId: randomUUID(), trace: {}, token: "" }, { institutionId: INSTITUTION_ID, purpose: "季度合理用药点评" });
    for (let i = 0; i < earlier; i++) await ask();
    const before = counted.read();
    await ask();
    const governance = await log.readStream(`prescription-governance-${INSTITUTION_ID}`);
    expect(governance).toHaveLength(earlier + 1);
    return counted.read() - before;
  } finally {
    await readModels.destroy();
    await log.close();
  }
}

describe("statistics query cost", () => {
  it("RX-11: recording a statistics query reads as many events after 200 earlier queries as after 1", async () => {
    expect(await eventsReadByQuery(200)).toBe(await eventsReadByQuery(1));
  });
});
