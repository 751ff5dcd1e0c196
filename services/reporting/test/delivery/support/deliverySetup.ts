import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger } from "@ihp/platform";
import { DeliveryLedger } from "../../../src/application/delivery/deliveryLedger.js";
import { deliveryWorker } from "../../../src/application/delivery/deliveryWorker.js";
import type { RegulatorAdapter } from "../../../src/application/delivery/regulatorAdapter.js";
import type { RetryPolicy } from "../../../src/domain/delivery/schedule.js";
import type { FeedEntryRecordedData } from "../../../src/domain/feed/entries.js";
import { LogCapture } from "../../support/logCapture.js";

/** A clock the test moves; starts at 2026-12-07 09:00 Beijing time (01:00 UTC). */
export function testClock(start = "2026-12-07T01:00:00.000Z") {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

/**
 * Feed entries of several message types for one jurisdiction, `count` in all, their facts an hour apart the day
 * before the clock's start (so a nightly batch takes them). Patient ids "patient-<n>".
 */
export function sampleEntries(count: number, jurisdiction: "yinchuan" | "tianjin", institutionId = "inst-1"): FeedEntryRecordedData[] {
  return Array.from({ length: count }, (_, n): FeedEntryRecordedData => {
    const occurredAt = new Date(Date.parse("2026-12-05T20:00:00.000Z") + n * 60_000).toISOString();
    const header = { sourceEventId: `source-${jurisdiction}-${n}`, institutionId, jurisdiction, occurredAt };
    switch (n % 4) {
      case 0:
        return { ...header, category: "CONSULT", kind: "STARTED", entry: { consultId: `consult-${n}`, consultType: "FOLLOW_UP", departmentCode: "03", patientId: `patient-${n}`, physicianId: "doc-1", startedAt: occurredAt, priorRecordId: "rec-1" } };
      case 1:
        return {
          ...header,
          category: "PRESCRIPTION",
          kind: "SIGNED",
          entry: {
            prescriptionId: `rx-${n}`, serialNumber: `RX${n}`, predecessorSerialNumber: "", consultId: `consult-${n - 1}`, physicianId: "doc-1",
            patientId: `patient-${n}`, issuedOn: "2026-12-05", validUntil: "2026-12-08",
            drugs: [{ drugCode: "X01", approvedName: "阿莫西林胶囊", quantity: "2", quantityUnit: "盒", daysSupply: 7 }],
            diagnosisCodes: ["J06.9"], signatureCertificateSerial: "cert-1", signatureAlgorithm: "SM2",
          },
        };
      case 2:
        return { ...header, category: "CONSULT", kind: "COMPLETED", entry: { consultId: `consult-${n - 2}`, physicianId: "doc-1", completedAt: occurredAt, diagnosisCodes: ["J06.9"], summaryHash: "ab12" } };
      default:
        return { ...header, category: "DISPENSING", entry: { prescriptionId: `rx-${n - 2}`, serialNumber: `RX${n - 2}`, pharmacyId: "pharmacy-1", pharmacistId: "pharm-1", dispensedAt: occurredAt } };
    }
  });
}

export async function appendEntries(store: EventStore, entries: readonly FeedEntryRecordedData[]): Promise<void> {
  for (const data of entries) {
    const metadata = { actorId: "reporting-feed", actorRole: "system", tenantId: data.institutionId, correlationId: data.sourceEventId, causationId: data.sourceEventId, occurredAt: data.occurredAt };
    await store.append(`reporting-feed-test-${data.sourceEventId}`, [{ id: uuidv7(), type: "FeedEntryRecorded", schemaVersion: 1, data, metadata }], "no_stream");
  }
}

export interface DeliveryRig {
  readonly store: EventStore;
  readonly clock: ReturnType<typeof testClock>;
  readonly logs: LogCapture;
  ledger(testAccounts?: readonly string[]): DeliveryLedger;
  worker(ledger: DeliveryLedger, adapter: RegulatorAdapter, policy: RetryPolicy, batchSize?: number): ReturnType<typeof deliveryWorker>;
  close(): Promise<void>;
}

/** A reporting log in memory, a test clock, captured logs, and factories for the ledger and worker of one jurisdiction. */
export function deliveryRig(jurisdiction: "yinchuan" | "tianjin"): DeliveryRig {
  const store = SqliteEventStore.open({ path: ":memory:" });
  const clock = testClock();
  const logs = new LogCapture();
  const logger = createLogger({ name: "reporting", level: "debug", destination: logs });
  return {
    store,
    clock,
    logs,
    ledger: (testAccounts = []) => new DeliveryLedger(store, jurisdiction, new Set(testAccounts), clock.now),
    worker: (ledger, adapter, policy, batchSize = 25) => deliveryWorker({ ledger, adapter, policy, clock: clock.now, logger, batchSize, random: () => 0.5 }),
    close: () => store.close(),
  };
}
