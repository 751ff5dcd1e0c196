import { compiledOnce, type Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import { isPrescriptionEventType, type Prescription, type ReviewStatus } from "../domain/prescriptions/index.js";
import { toPrescriptionEvent } from "./prescriptionEvents.js";

/** One row per prescription: the physician's and the patient's lists. No clinical free text. */
export interface PrescriptionsTable {
  prescription_id: string;
  /** Creation order; list order and what cursors point at. */
  seq: number;
  consult_id: string;
  institution_id: string;
  patient_id: string;
  physician_id: string;
  version: number;
  status: Prescription["status"];
  review_status: ReviewStatus;
  serial_number: string;
  issued_on: string;
  valid_until: string;
  /** JSON array of [drugCode, approvedName] of the current version. */
  drugs: string;
  updated_at: string;
}

/** RX-11 prescriber-by-drug totals: signed prescriptions per physician and drug (voided ones taken back out). */
export interface PrescriberDrugTotalsTable {
  institution_id: string;
  physician_id: string;
  drug_code: string;
  approved_name: string;
  prescriptions: number;
}

export interface PrescriptionReadModels {
  prescriptions: PrescriptionsTable;
  prescriber_drug_totals: PrescriberDrugTotalsTable;
}

type Trx = Transaction<PrescriptionReadModels>;

export const prescriptionsProjection: Projection<PrescriptionReadModels> = {
  name: "prescriptions",
  version: 1,
  handles: new Set(["PrescriptionDrafted", "PrescriptionRevised", "PrescriptionSigned", "PrescriptionVoided", "ReviewOutcomeRecorded"]),
  setup: createTables,
  async reset(trx) {
    await trx.deleteFrom("prescriptions").execute();
    await trx.deleteFrom("prescriber_drug_totals").execute();
  },
  async apply(trx, stored) {
    if (!isPrescriptionEventType(stored.type)) return;
    const event = toPrescriptionEvent(stored);
    const updated_at = stored.metadata.occurredAt;
    switch (event.type) {
      case "PrescriptionDrafted":
      case "PrescriptionRevised": {
        const { data } = event;
        const { consultId, institutionId, patientId, physicianId } = data.consult;
        const drugs = JSON.stringify(data.content.lines.map((line) => [line.drugCode, line.approvedName]));
        const seq = await nextSeq(trx);
        await upsertDraft.execute(trx, { prescriptionId: data.prescriptionId, seq, consultId, institutionId, patientId, physicianId, version: data.version, drugs, updatedAt: updated_at });
        return;
      }
      case "PrescriptionSigned": {
        const { prescriptionId, serialNumber, issuedOn, validUntil } = event.data;
        await markSigned.execute(trx, { prescriptionId, serialNumber, issuedOn, validUntil, updatedAt: updated_at });
        await countDrugs(trx, prescriptionId, 1);
        return;
      }
      case "PrescriptionVoided":
        // The row still lists the voided version's drugs here: the revision follows in the same append.
        await countDrugs(trx, event.data.prescriptionId, -1);
        return;
      case "ReviewOutcomeRecorded":
        await setReviewStatus.execute(trx, { prescriptionId: event.data.prescriptionId, reviewStatus: event.data.outcome, updatedAt: updated_at });
        return;
      case "PrescriptionLinesConfirmed":
      case "LongTermPlanConfirmed":
        return;
    }
  },
};

// The queries of apply, run for every prescription event (issue 15): built and compiled once, not per event.

/** A draft or revision: a new row, or the row's current version again (a draft until signed). */
const upsertDraft = compiledOnce(
  (
    db: Kysely<PrescriptionReadModels>,
    p: { prescriptionId: string; seq: number; consultId: string; institutionId: string; patientId: string; physicianId: string; version: number; drugs: string; updatedAt: string },
  ) => {
    const row = { version: p.version, status: "DRAFT" as const, review_status: "NOT_SUBMITTED" as const, serial_number: "", issued_on: "", valid_until: "", drugs: p.drugs, updated_at: p.updatedAt };
    return db
      .insertInto("prescriptions")
      .values({ prescription_id: p.prescriptionId, seq: p.seq, consult_id: p.consultId, institution_id: p.institutionId, patient_id: p.patientId, physician_id: p.physicianId, ...row })
      .onConflict((conflict) => conflict.column("prescription_id").doUpdateSet(row));
  },
);

const markSigned = compiledOnce(
  (db: Kysely<PrescriptionReadModels>, p: { prescriptionId: string; serialNumber: string; issuedOn: string; validUntil: string; updatedAt: string }) =>
    db
      .updateTable("prescriptions")
      .set({ status: "SIGNED", review_status: "UNDER_REVIEW", serial_number: p.serialNumber, issued_on: p.issuedOn, valid_until: p.validUntil, updated_at: p.updatedAt })
      .where("prescription_id", "=", p.prescriptionId),
);

const setReviewStatus = compiledOnce((db: Kysely<PrescriptionReadModels>, p: { prescriptionId: string; reviewStatus: ReviewStatus; updatedAt: string }) =>
  db.updateTable("prescriptions").set({ review_status: p.reviewStatus, updated_at: p.updatedAt }).where("prescription_id", "=", p.prescriptionId),
);

const prescriptionRow = compiledOnce((db: Kysely<PrescriptionReadModels>, p: { prescriptionId: string }) =>
  db.selectFrom("prescriptions").selectAll().where("prescription_id", "=", p.prescriptionId),
);

const addToDrugTotal = compiledOnce(
  (db: Kysely<PrescriptionReadModels>, p: { institutionId: string; physicianId: string; drugCode: string; approvedName: string; delta: number }) =>
    db
      .insertInto("prescriber_drug_totals")
      .values({ institution_id: p.institutionId, physician_id: p.physicianId, drug_code: p.drugCode, approved_name: p.approvedName, prescriptions: p.delta })
      .onConflict((conflict) =>
        conflict
          .columns(["institution_id", "physician_id", "drug_code"])
          .doUpdateSet((eb) => ({ prescriptions: eb("prescriber_drug_totals.prescriptions", "+", p.delta) })),
      ),
);

const maxSeq = compiledOnce((db: Kysely<PrescriptionReadModels>, _p: Record<string, never>) =>
  db.selectFrom("prescriptions").select((eb) => eb.fn.max<number | null>("seq").as("max")),
);

async function countDrugs(trx: Trx, prescriptionId: string, delta: number): Promise<void> {
  const row = (await prescriptionRow.execute(trx, { prescriptionId })).rows[0];
  if (row === undefined) return;
  for (const [drugCode, approvedName] of JSON.parse(row.drugs) as [string, string][]) {
    await addToDrugTotal.execute(trx, { institutionId: row.institution_id, physicianId: row.physician_id, drugCode, approvedName, delta });
  }
}

async function createTables(db: Kysely<PrescriptionReadModels>): Promise<void> {
  await db.schema
    .createTable("prescriptions")
    .ifNotExists()
    .addColumn("prescription_id", "text", (c) => c.primaryKey())
    .addColumn("seq", "integer", (c) => c.notNull().unique())
    .addColumn("consult_id", "text", (c) => c.notNull())
    .addColumn("institution_id", "text", (c) => c.notNull())
    .addColumn("patient_id", "text", (c) => c.notNull())
    .addColumn("physician_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("review_status", "text", (c) => c.notNull())
    .addColumn("serial_number", "text", (c) => c.notNull())
    .addColumn("issued_on", "text", (c) => c.notNull())
    .addColumn("valid_until", "text", (c) => c.notNull())
    .addColumn("drugs", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("prescriptions_by_physician").ifNotExists().on("prescriptions").columns(["physician_id", "seq"]).execute();
  await db.schema.createIndex("prescriptions_by_patient").ifNotExists().on("prescriptions").columns(["patient_id", "seq"]).execute();
  await db.schema
    .createTable("prescriber_drug_totals")
    .ifNotExists()
    .addColumn("institution_id", "text", (c) => c.notNull())
    .addColumn("physician_id", "text", (c) => c.notNull())
    .addColumn("drug_code", "text", (c) => c.notNull())
    .addColumn("approved_name", "text", (c) => c.notNull())
    .addColumn("prescriptions", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("prescriber_drug_totals_pk", ["institution_id", "physician_id", "drug_code"])
    .execute();
}

// Batches of one projection are serialized by the projector, so max + 1 cannot race.
async function nextSeq(trx: Trx): Promise<number> {
  const row = (await maxSeq.execute(trx, {})).rows[0];
  return Number(row?.max ?? 0) + 1;
}

export type PrescriptionDb = Kysely<PrescriptionReadModels>;
