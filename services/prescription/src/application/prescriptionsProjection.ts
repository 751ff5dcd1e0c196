import type { Projection } from "@ihp/projections";
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
        const drugs = JSON.stringify(data.content.lines.map((line) => [line.drugCode, line.approvedName]));
        const row = {
          version: data.version,
          status: "DRAFT" as const,
          review_status: "NOT_SUBMITTED" as const,
          serial_number: "",
          issued_on: "",
          valid_until: "",
          drugs,
          updated_at,
        };
        await trx
          .insertInto("prescriptions")
          .values({
            prescription_id: data.prescriptionId,
            seq: await nextSeq(trx),
            consult_id: data.consult.consultId,
            institution_id: data.consult.institutionId,
            patient_id: data.consult.patientId,
            physician_id: data.consult.physicianId,
            ...row,
          })
          .onConflict((conflict) => conflict.column("prescription_id").doUpdateSet(row))
          .execute();
        return;
      }
      case "PrescriptionSigned": {
        const { data } = event;
        await trx
          .updateTable("prescriptions")
          .set({ status: "SIGNED", review_status: "UNDER_REVIEW", serial_number: data.serialNumber, issued_on: data.issuedOn, valid_until: data.validUntil, updated_at })
          .where("prescription_id", "=", data.prescriptionId)
          .execute();
        await countDrugs(trx, data.prescriptionId, 1);
        return;
      }
      case "PrescriptionVoided":
        // The row still lists the voided version's drugs here: the revision follows in the same append.
        await countDrugs(trx, event.data.prescriptionId, -1);
        return;
      case "ReviewOutcomeRecorded":
        await trx
          .updateTable("prescriptions")
          .set({ review_status: event.data.outcome, updated_at })
          .where("prescription_id", "=", event.data.prescriptionId)
          .execute();
        return;
      case "PrescriptionLinesConfirmed":
      case "LongTermPlanConfirmed":
        return;
    }
  },
};

async function countDrugs(trx: Trx, prescriptionId: string, delta: number): Promise<void> {
  const row = await trx.selectFrom("prescriptions").selectAll().where("prescription_id", "=", prescriptionId).executeTakeFirst();
  if (row === undefined) return;
  for (const [drugCode, approvedName] of JSON.parse(row.drugs) as [string, string][]) {
    await trx
      .insertInto("prescriber_drug_totals")
      .values({ institution_id: row.institution_id, physician_id: row.physician_id, drug_code: drugCode, approved_name: approvedName, prescriptions: delta })
      .onConflict((conflict) =>
        conflict
          .columns(["institution_id", "physician_id", "drug_code"])
          .doUpdateSet((eb) => ({ prescriptions: eb("prescriber_drug_totals.prescriptions", "+", delta) })),
      )
      .execute();
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
  const row = await trx.selectFrom("prescriptions").select((eb) => eb.fn.max<number | null>("seq").as("max")).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

export type PrescriptionDb = Kysely<PrescriptionReadModels>;
