import type { StoredEvent } from "@ihp/eventsourcing";
import { type CompiledOnce, compiledOnce, type Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import { isPrescriptionEventType, PRESCRIPTION_EVENT_TYPES, signedConsultId } from "../domain/prescription/index.js";
import type { PrescriptionLineData, ScreeningFinding } from "../domain/types.js";
import { type DeliveryView, type PrescriptionView, type ReviewStatusName, toPrescriptionEvent } from "./prescriptionViews.js";

/** One row per prescription version: the review queue (status UNDER_REVIEW) and the patient's view. */
export interface PrescriptionsTable {
  stream_id: string;
  prescription_id: string;
  serial_number: string;
  version: number;
  institution_id: string;
  patient_id: string;
  physician_id: string;
  /** From the signed canonical document; "" if it names none. Added in version 2. */
  consult_id: string;
  status: string;
  issued_on: string;
  valid_until: string;
  /** JSON arrays. */
  lines: string;
  diagnosis_codes: string;
  findings: string;
  received_at: string;
  reason_code: string;
  pharmacist_id: string;
  reviewed_at: string;
  paid_at: string;
  dispensed_at: string;
  /** JSON of the delivery, "" before dispatch. */
  delivery: string;
  revision: number;
}

export interface ProcessedMessagesTable {
  consumer: string;
  message_id: string;
  processed_at: string;
}

export interface PharmacyReadModels {
  pharmacy_prescriptions: PrescriptionsTable;
  pharmacy_processed_messages: ProcessedMessagesTable;
}

type Trx = Transaction<PharmacyReadModels>;

/** Keeps pharmacy_prescriptions in step with the log. Same queries on SQLite and PostgreSQL. */
export const prescriptionsProjection: Projection<PharmacyReadModels> = {
  name: "pharmacy-prescriptions",
  // 2: consult_id (setup adds the column to a version-1 table; the replay fills it).
  version: 2,
  // What apply acts on; a batch of anything else (access refusals, roster and coverage events) is passed over without
  // a transaction (issue 15).
  handles: PRESCRIPTION_EVENT_TYPES,
  setup: createTables,
  async reset(trx) {
    await trx.deleteFrom("pharmacy_prescriptions").execute();
  },
  async apply(trx, stored) {
    if (!isPrescriptionEventType(stored.type)) return;
    const event = toPrescriptionEvent(stored);
    const update = (values: Partial<PrescriptionsTable>) => set(trx, stored, values);
    switch (event.type) {
      case "PrescriptionReceived": {
        const { document, receivedAt } = event.data;
        const row: PrescriptionsTable = {
          stream_id: stored.streamId,
          prescription_id: document.prescriptionId,
          serial_number: document.serialNumber,
          version: document.version,
          institution_id: document.institutionId,
          patient_id: document.patientId,
          physician_id: document.physicianId,
          consult_id: signedConsultId(document),
          // A void that arrived first already left a marker row.
          status: (await voidedMarker(trx, stored.streamId)) ? "VOIDED" : "SIGNED",
          issued_on: document.issuedOn,
          valid_until: document.validUntil,
          lines: JSON.stringify(document.lines),
          diagnosis_codes: JSON.stringify(document.diagnosisCodes),
          findings: "[]",
          received_at: receivedAt,
          reason_code: "",
          pharmacist_id: "",
          reviewed_at: "",
          paid_at: "",
          dispensed_at: "",
          delivery: "",
          revision: stored.revision,
        };
        await upsertReceived.execute(trx, row);
        return;
      }
      case "PrescriptionQueuedForReview":
        return update({ status: "UNDER_REVIEW", findings: JSON.stringify(event.data.findings) });
      case "PrescriptionSignatureHeld":
        return update({ status: "SIGNATURE_INVALID", reason_code: event.data.reasonCode });
      case "PrescriptionApproved":
        return update({ status: "APPROVED", pharmacist_id: event.data.pharmacistId, reviewed_at: event.data.reviewedAt });
      case "PrescriptionReturned":
      case "PrescriptionRejected":
        return update({
          status: event.type === "PrescriptionReturned" ? "RETURNED" : "REJECTED",
          pharmacist_id: event.data.pharmacistId,
          reviewed_at: event.data.reviewedAt,
          reason_code: event.data.reasonCode,
        });
      case "PrescriptionVoided": {
        const existing = (await rowStatus.execute(trx, { streamId: stored.streamId })).rows[0];
        if (existing === undefined) {
          await trx.insertInto("pharmacy_prescriptions").values(voidMarker(stored)).execute();
          return;
        }
        return update({ status: "VOIDED" });
      }
      case "PaymentRecorded":
        return update({ paid_at: event.data.paidAt });
      case "PrescriptionDispensed":
        return update({ dispensed_at: event.data.dispensedAt });
      case "DeliveryDispatched": {
        const { deliveryId, carrier, agreementId, trackingNumber, handedOverAt } = event.data;
        const delivery: DeliveryView = { deliveryId, carrier, agreementId, trackingNumber, handedOverAt, status: "DISPATCHED", statusAt: handedOverAt };
        return update({ delivery: JSON.stringify(delivery) });
      }
      case "DeliveryStatusChanged": {
        const row = (await rowDelivery.execute(trx, { streamId: stored.streamId })).rows[0];
        if (row === undefined || row.delivery === "") return;
        const delivery = { ...(JSON.parse(row.delivery) as DeliveryView), status: event.data.status, statusAt: event.data.at };
        return update({ delivery: JSON.stringify(delivery) });
      }
    }
  },
};

// The queries of apply, one or two per prescription event (issue 15): built and compiled once, not per event.

type Row = { [K in keyof PrescriptionsTable]: PrescriptionsTable[K] };

/** A received prescription; received again (a redelivery, or after a void's marker row), every column but the key. */
const upsertReceived = compiledOnce((db: Kysely<PharmacyReadModels>, p: Row) => {
  const rest: Omit<PrescriptionsTable, "stream_id"> = {
    prescription_id: p.prescription_id,
    serial_number: p.serial_number,
    version: p.version,
    institution_id: p.institution_id,
    patient_id: p.patient_id,
    physician_id: p.physician_id,
    consult_id: p.consult_id,
    status: p.status,
    issued_on: p.issued_on,
    valid_until: p.valid_until,
    lines: p.lines,
    diagnosis_codes: p.diagnosis_codes,
    findings: p.findings,
    received_at: p.received_at,
    reason_code: p.reason_code,
    pharmacist_id: p.pharmacist_id,
    reviewed_at: p.reviewed_at,
    paid_at: p.paid_at,
    dispensed_at: p.dispensed_at,
    delivery: p.delivery,
    revision: p.revision,
  };
  return db
    .insertInto("pharmacy_prescriptions")
    .values({ stream_id: p.stream_id, ...rest })
    .onConflict((conflict) => conflict.column("stream_id").doUpdateSet(rest));
});

const rowStatus = compiledOnce((db: Kysely<PharmacyReadModels>, p: { streamId: string }) =>
  db.selectFrom("pharmacy_prescriptions").select("status").where("stream_id", "=", p.streamId),
);

const rowDelivery = compiledOnce((db: Kysely<PharmacyReadModels>, p: { streamId: string }) =>
  db.selectFrom("pharmacy_prescriptions").select("delivery").where("stream_id", "=", p.streamId),
);

type UpdateParams = Partial<Row> & { streamId: string; revision: number };

/** set()'s updates, one per list of columns (one per event type), each compiled once. */
const updates = new Map<string, CompiledOnce<PharmacyReadModels, UpdateParams, unknown>>();

/** The update of these columns and the revision. As the builder does, a column whose value is undefined is left out. */
function updateOf(columns: readonly (keyof PrescriptionsTable)[]): CompiledOnce<PharmacyReadModels, UpdateParams, unknown> {
  const key = columns.join(",");
  let update = updates.get(key);
  if (update === undefined) {
    update = compiledOnce((db: Kysely<PharmacyReadModels>, p: UpdateParams) => {
      const values: Partial<Row> = { revision: p.revision };
      for (const column of columns) Object.assign(values, { [column]: p[column] });
      return db.updateTable("pharmacy_prescriptions").set(values).where("stream_id", "=", p.streamId);
    });
    updates.set(key, update);
  }
  return update;
}

async function set(trx: Trx, stored: StoredEvent, values: Partial<PrescriptionsTable>): Promise<void> {
  const columns = (Object.keys(values) as (keyof PrescriptionsTable)[]).filter((column) => values[column] !== undefined && column !== "revision");
  await updateOf(columns).execute(trx, { ...values, revision: stored.revision, streamId: stored.streamId });
}

async function voidedMarker(trx: Trx, streamId: string): Promise<boolean> {
  const row = (await rowStatus.execute(trx, { streamId })).rows[0];
  return row?.status === "VOIDED";
}

function voidMarker(stored: StoredEvent): PrescriptionsTable {
  return {
    stream_id: stored.streamId,
    prescription_id: "",
    serial_number: "",
    version: 0,
    institution_id: stored.metadata.tenantId,
    patient_id: "",
    physician_id: "",
    consult_id: "",
    status: "VOIDED",
    issued_on: "",
    valid_until: "",
    lines: "[]",
    diagnosis_codes: "[]",
    findings: "[]",
    received_at: "",
    reason_code: "",
    pharmacist_id: "",
    reviewed_at: "",
    paid_at: "",
    dispensed_at: "",
    delivery: "",
    revision: stored.revision,
  };
}

async function createTables(db: Kysely<PharmacyReadModels>): Promise<void> {
  await db.schema
    .createTable("pharmacy_prescriptions")
    .ifNotExists()
    .addColumn("stream_id", "text", (column) => column.primaryKey())
    .addColumn("prescription_id", "text", (column) => column.notNull())
    .addColumn("serial_number", "text", (column) => column.notNull())
    .addColumn("version", "integer", (column) => column.notNull())
    .addColumn("institution_id", "text", (column) => column.notNull())
    .addColumn("patient_id", "text", (column) => column.notNull())
    .addColumn("physician_id", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("issued_on", "text", (column) => column.notNull())
    .addColumn("valid_until", "text", (column) => column.notNull())
    .addColumn("lines", "text", (column) => column.notNull())
    .addColumn("diagnosis_codes", "text", (column) => column.notNull())
    .addColumn("findings", "text", (column) => column.notNull())
    .addColumn("received_at", "text", (column) => column.notNull())
    .addColumn("reason_code", "text", (column) => column.notNull())
    .addColumn("pharmacist_id", "text", (column) => column.notNull())
    .addColumn("reviewed_at", "text", (column) => column.notNull())
    .addColumn("paid_at", "text", (column) => column.notNull())
    .addColumn("dispensed_at", "text", (column) => column.notNull())
    .addColumn("delivery", "text", (column) => column.notNull())
    .addColumn("revision", "integer", (column) => column.notNull())
    .addColumn("consult_id", "text", (column) => column.notNull().defaultTo(""))
    .execute();
  // A table made by version 1 has no consult_id: add it (reset and replay then fill it in).
  const tables = await db.introspection.getTables();
  const table = tables.find((candidate) => candidate.name === "pharmacy_prescriptions");
  if (table !== undefined && !table.columns.some((column) => column.name === "consult_id")) {
    await db.schema.alterTable("pharmacy_prescriptions").addColumn("consult_id", "text", (column) => column.notNull().defaultTo("")).execute();
  }
  await db.schema
    .createIndex("pharmacy_prescriptions_queue")
    .ifNotExists()
    .on("pharmacy_prescriptions")
    .columns(["institution_id", "status", "received_at"])
    .execute();
  await db.schema
    .createIndex("pharmacy_prescriptions_patient")
    .ifNotExists()
    .on("pharmacy_prescriptions")
    .columns(["patient_id", "received_at"])
    .execute();
  await db.schema
    .createIndex("pharmacy_prescriptions_rx")
    .ifNotExists()
    .on("pharmacy_prescriptions")
    .column("prescription_id")
    .execute();
}

/** A read-model row as the view the contract shows. */
export function rowToView(row: PrescriptionsTable): PrescriptionView {
  return {
    prescriptionId: row.prescription_id,
    serialNumber: row.serial_number,
    version: Number(row.version),
    institutionId: row.institution_id,
    patientId: row.patient_id,
    physicianId: row.physician_id,
    consultId: row.consult_id,
    status: row.status as ReviewStatusName,
    issuedOn: row.issued_on,
    validUntil: row.valid_until,
    lines: JSON.parse(row.lines) as PrescriptionLineData[],
    diagnosisCodes: JSON.parse(row.diagnosis_codes) as string[],
    findings: JSON.parse(row.findings) as ScreeningFinding[],
    receivedAt: row.received_at,
    reasonCode: row.reason_code,
    pharmacistId: row.pharmacist_id,
    reviewedAt: row.reviewed_at,
    // Lists do not carry signatures; the single prescription view reads them from the stream.
    reviewSignature: undefined,
    paidAt: row.paid_at,
    dispensedAt: row.dispensed_at,
    delivery: row.delivery === "" ? undefined : (JSON.parse(row.delivery) as DeliveryView),
    revision: Number(row.revision),
  };
}
