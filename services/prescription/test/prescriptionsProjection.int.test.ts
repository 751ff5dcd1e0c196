import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import { readModelDialects, storedEvents } from "@ihp/testing";
import type { Kysely } from "kysely";
import { describe, expect, it, onTestFinished } from "vitest";
import { type PrescriptionReadModels, prescriptionsProjection } from "../src/application/prescriptionsProjection.js";

// The prescriptions read model row by row, on both dialects: what each prescription event writes (lists, review
// status, prescriber-by-drug totals), whatever form the projection's queries take.

const dialects = await readModelDialects("prescriptions read model", {
  sqlite: () => openSqliteReadModels<PrescriptionReadModels>(":memory:"),
  postgres: (url, schema) => openPostgresReadModels<PrescriptionReadModels>(url, { schema, maxConnections: 2 }),
});

const consult = { consultId: "c-1", institutionId: "inst-1", patientId: "pat-1", physicianId: "phy-1" };
const lines = (...drugs: [string, string][]) => ({ lines: drugs.map(([drugCode, approvedName]) => ({ drugCode, approvedName })) });

/** Events in log order, with only the fields the projection reads. */
function events(...facts: [type: string, data: Record<string, unknown>][]) {
  return storedEvents((data) => `prescription-${String(data["prescriptionId"])}`, facts, { actorId: "phy-1" });
}

async function rows(db: Kysely<PrescriptionReadModels>) {
  const prescriptions = await db.selectFrom("prescriptions").select(["prescription_id", "seq", "version", "status", "review_status", "serial_number", "valid_until", "drugs", "updated_at"]).orderBy("seq").execute();
  const totals = await db.selectFrom("prescriber_drug_totals").select(["drug_code", "prescriptions"]).orderBy("drug_code").execute();
  return {
    prescriptions: prescriptions.map((row) => ({ ...row, seq: Number(row.seq), version: Number(row.version) })),
    totals: totals.map((row) => ({ ...row, prescriptions: Number(row.prescriptions) })),
  };
}

for (const dialect of dialects) describe.skipIf(!dialect.available)(`prescriptions read model on ${dialect.name}`, () => {
  it("drafts in order, signing, the review outcome, a void and the revision that follows it", async () => {
    const db = await dialect.open();
    onTestFinished(() => db.destroy());
    const projector = new Projector({ db, projection: prescriptionsProjection, source: { readAll: () => Promise.resolve([]), subscribe: () => (async function* () {})() } });
    const log = events(
      ["PrescriptionDrafted", { prescriptionId: "rx-1", version: 1, consult, content: lines(["d-1", "Metformin"]) }],
      ["PrescriptionDrafted", { prescriptionId: "rx-2", version: 1, consult, content: lines(["d-2", "Aspirin"]) }],
      ["PrescriptionSigned", { prescriptionId: "rx-1", serialNumber: "S-1", issuedOn: "2026-03-02", validUntil: "2026-03-05" }],
      ["ReviewOutcomeRecorded", { prescriptionId: "rx-1", outcome: "RETURNED" }],
      ["PrescriptionVoided", { prescriptionId: "rx-1" }],
      ["PrescriptionRevised", { prescriptionId: "rx-1", version: 2, consult, content: lines(["d-3", "Insulin"]) }],
    );

    await projector.handleBatch(log.slice(0, 4));
    expect(await rows(db)).toEqual({
      prescriptions: [
        { prescription_id: "rx-1", seq: 1, version: 1, status: "SIGNED", review_status: "RETURNED", serial_number: "S-1", valid_until: "2026-03-05", drugs: '[["d-1","Metformin"]]', updated_at: "2026-03-02T09:03:00.000Z" },
        { prescription_id: "rx-2", seq: 2, version: 1, status: "DRAFT", review_status: "NOT_SUBMITTED", serial_number: "", valid_until: "", drugs: '[["d-2","Aspirin"]]', updated_at: "2026-03-02T09:01:00.000Z" },
      ],
      totals: [{ drug_code: "d-1", prescriptions: 1 }],
    });

    await projector.handleBatch(log.slice(4));
    expect(await rows(db)).toEqual({
      prescriptions: [
        { prescription_id: "rx-1", seq: 1, version: 2, status: "DRAFT", review_status: "NOT_SUBMITTED", serial_number: "", valid_until: "", drugs: '[["d-3","Insulin"]]', updated_at: "2026-03-02T09:05:00.000Z" },
        { prescription_id: "rx-2", seq: 2, version: 1, status: "DRAFT", review_status: "NOT_SUBMITTED", serial_number: "", valid_until: "", drugs: '[["d-2","Aspirin"]]', updated_at: "2026-03-02T09:01:00.000Z" },
      ],
      totals: [{ drug_code: "d-1", prescriptions: 0 }],
    });
  });
});
