import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import { readModelDialects, storedEvents } from "@ihp/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { type PharmacyReadModels, prescriptionsProjection } from "../src/application/prescriptionsProjection.js";

// The pharmacy's prescriptions read model row by row, on both dialects: what each prescription event writes (the
// review queue, payment, dispensing, delivery; a void that arrives before the prescription), whatever form the
// projection's queries take.

const dialects = await readModelDialects("pharmacy read model", {
  sqlite: () => openSqliteReadModels<PharmacyReadModels>(":memory:"),
  postgres: (url, schema) => openPostgresReadModels<PharmacyReadModels>(url, { schema, maxConnections: 2 }),
});

const received = (prescriptionId: string) => ({
  receivedAt: "2026-03-02T09:00:00.000Z",
  document: {
    prescriptionId,
    serialNumber: `S-${prescriptionId}`,
    version: 1,
    institutionId: "inst-1",
    patientId: "pat-1",
    physicianId: "phy-1",
    canonicalDocumentBase64: Buffer.from(JSON.stringify({ consultId: "c-1" })).toString("base64"),
    issuedOn: "2026-03-02",
    validUntil: "2026-03-05",
    lines: [{ drugCode: "d-1" }],
    diagnosisCodes: ["E11"],
  },
});

/** Events in log order, each in the stream of its prescription, with only the fields the projection reads. */
function events(...facts: [type: string, prescriptionId: string, data: Record<string, unknown>][]) {
  const data = facts.map(([type, , fields]): [string, Record<string, unknown>] => [type, fields]);
  return storedEvents((_, index) => `pharmacy-${facts[index]?.[1] ?? ""}`, data, { actorRole: "pharmacist" });
}

for (const dialect of dialects) describe.skipIf(!dialect.available)(`pharmacy prescriptions read model on ${dialect.name}`, () => {
  it("received, queued, approved, paid, dispensed and delivered; a void before its prescription leaves it voided; other events are not applied", async () => {
    const db = await dialect.open();
    onTestFinished(() => db.destroy());
    const projector = new Projector({ db, projection: prescriptionsProjection, source: { readAll: () => Promise.resolve([]), subscribe: () => (async function* () {})() } });
    const delivery = { deliveryId: "dl-1", carrier: "SF", agreementId: "ag-1", trackingNumber: "T-1", handedOverAt: "2026-03-02T11:00:00.000Z" };

    const result = await projector.handleBatch(
      events(
        ["PrescriptionReceived", "rx-1", received("rx-1")],
        ["PrescriptionQueuedForReview", "rx-1", { findings: [{ code: "F-1" }] }],
        ["PrescriptionApproved", "rx-1", { pharmacistId: "ph-1", reviewedAt: "2026-03-02T09:30:00.000Z" }],
        ["PaymentRecorded", "rx-1", { paidAt: "2026-03-02T10:00:00.000Z" }],
        ["PrescriptionDispensed", "rx-1", { dispensedAt: "2026-03-02T10:30:00.000Z" }],
        ["DeliveryDispatched", "rx-1", delivery],
        ["DeliveryStatusChanged", "rx-1", { status: "DELIVERED", at: "2026-03-02T12:00:00.000Z" }],
        ["PrescriptionVoided", "rx-2", {}],
        ["PrescriptionReceived", "rx-2", received("rx-2")],
        ["AccessRefused", "audit", { reason: "ROLE_NOT_ALLOWED" }],
      ),
    );
    // Not a prescription event: apply is not given it (a batch of such events needs no transaction).
    expect(result).toMatchObject({ applied: 9, ignored: 1 });

    const rows = await db
      .selectFrom("pharmacy_prescriptions")
      .select(["stream_id", "prescription_id", "consult_id", "status", "findings", "pharmacist_id", "reviewed_at", "paid_at", "dispensed_at", "delivery", "revision"])
      .orderBy("stream_id")
      .execute();
    expect(rows.map((row) => ({ ...row, delivery: row.delivery === "" ? "" : (JSON.parse(row.delivery) as unknown), revision: Number(row.revision) }))).toEqual([
      {
        stream_id: "pharmacy-rx-1",
        prescription_id: "rx-1",
        consult_id: "c-1",
        status: "APPROVED",
        findings: '[{"code":"F-1"}]',
        pharmacist_id: "ph-1",
        reviewed_at: "2026-03-02T09:30:00.000Z",
        paid_at: "2026-03-02T10:00:00.000Z",
        dispensed_at: "2026-03-02T10:30:00.000Z",
        delivery: { ...delivery, status: "DELIVERED", statusAt: "2026-03-02T12:00:00.000Z" },
        revision: 6,
      },
      { stream_id: "pharmacy-rx-2", prescription_id: "rx-2", consult_id: "c-1", status: "VOIDED", findings: "[]", pharmacist_id: "", reviewed_at: "", paid_at: "", dispensed_at: "", delivery: "", revision: 1 },
    ]);
  });
});
