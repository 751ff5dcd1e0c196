import { compiledOnce, type Projection } from "@ihp/projections";
import type { Kysely } from "kysely";
import { isConsultEventType } from "../domain/consults/index.js";
import { toConsultEvent } from "./consultEvents.js";

/**
 * One row per consult, enough for the three queues (physician's waiting list, patient's consults, institution's live
 * board): ids, type, department, status and times. No names, no clinical text.
 */
export interface ConsultsTable {
  consult_id: string;
  /** Request order, assigned in log order: the sort key and what cursors point at. */
  seq: number;
  institution_id: string;
  consult_type: string;
  department_code: string;
  patient_id: string;
  guardian_id: string;
  physician_id: string;
  status: string;
  requested_at: string;
  accept_by: string;
  updated_at: string;
}

export interface ConsultReadModels {
  consults: ConsultsTable;
}

const STATUS_OF = {
  ConsultCancelled: "CANCELLED",
  ConsultExpired: "EXPIRED",
  ConsultStarted: "IN_PROGRESS",
  ConsultCompleted: "COMPLETED",
  ConsultTerminated: "TERMINATED_REFERRED",
} as const;

// The queries of apply, one per consult event (issue 15): built and compiled once, not per event.

const maxSeq = compiledOnce((db: Kysely<ConsultReadModels>, _p: Record<string, never>) =>
  db.selectFrom("consults").select((eb) => eb.fn.max<number | null>("seq").as("max")),
);

/** A new consult, waiting; a repeat of its request changes nothing. */
const insertConsult = compiledOnce(
  (
    db: Kysely<ConsultReadModels>,
    p: { consultId: string; seq: number; institutionId: string; consultType: string; departmentCode: string; patientId: string; guardianId: string; requestedAt: string; acceptBy: string; updatedAt: string },
  ) =>
    db
      .insertInto("consults")
      .values({
        consult_id: p.consultId,
        seq: p.seq,
        institution_id: p.institutionId,
        consult_type: p.consultType,
        department_code: p.departmentCode,
        patient_id: p.patientId,
        guardian_id: p.guardianId,
        physician_id: "",
        status: "WAITING",
        requested_at: p.requestedAt,
        accept_by: p.acceptBy,
        updated_at: p.updatedAt,
      })
      .onConflict((conflict) => conflict.column("consult_id").doNothing()),
);

const markAccepted = compiledOnce((db: Kysely<ConsultReadModels>, p: { consultId: string; physicianId: string; updatedAt: string }) =>
  db.updateTable("consults").set({ status: "ACCEPTED", physician_id: p.physicianId, updated_at: p.updatedAt }).where("consult_id", "=", p.consultId),
);

const setStatus = compiledOnce((db: Kysely<ConsultReadModels>, p: { consultId: string; status: string; updatedAt: string }) =>
  db.updateTable("consults").set({ status: p.status, updated_at: p.updatedAt }).where("consult_id", "=", p.consultId),
);

export const queuesProjection: Projection<ConsultReadModels> = {
  name: "consult-queues",
  version: 1,
  handles: new Set([
    "ConsultRequested",
    "ConsultAccepted",
    "FollowUpEligibilityDecided",
    "ConsultCancelled",
    "ConsultExpired",
    "ConsultStarted",
    "ConsultCompleted",
    "ConsultTerminated",
  ]),
  async setup(db: Kysely<ConsultReadModels>) {
    await db.schema
      .createTable("consults")
      .ifNotExists()
      .addColumn("consult_id", "text", (column) => column.primaryKey())
      .addColumn("seq", "integer", (column) => column.notNull().unique())
      .addColumn("institution_id", "text", (column) => column.notNull())
      .addColumn("consult_type", "text", (column) => column.notNull())
      .addColumn("department_code", "text", (column) => column.notNull())
      .addColumn("patient_id", "text", (column) => column.notNull())
      .addColumn("guardian_id", "text", (column) => column.notNull())
      .addColumn("physician_id", "text", (column) => column.notNull())
      .addColumn("status", "text", (column) => column.notNull())
      .addColumn("requested_at", "text", (column) => column.notNull())
      .addColumn("accept_by", "text", (column) => column.notNull())
      .addColumn("updated_at", "text", (column) => column.notNull())
      .execute();
    await db.schema.createIndex("consults_by_institution_status").ifNotExists().on("consults").columns(["institution_id", "status", "seq"]).execute();
    await db.schema.createIndex("consults_by_patient").ifNotExists().on("consults").columns(["patient_id", "seq"]).execute();
  },
  async reset(trx) {
    await trx.deleteFrom("consults").execute();
  },
  async apply(trx, stored) {
    if (!isConsultEventType(stored.type)) return;
    const event = toConsultEvent(stored);
    const at = stored.metadata.occurredAt;
    switch (event.type) {
      case "ConsultRequested": {
        const { data } = event;
        const row = (await maxSeq.execute(trx, {})).rows[0];
        await insertConsult.execute(trx, {
          consultId: data.consultId,
          seq: Number(row?.max ?? 0) + 1,
          institutionId: data.institutionId,
          consultType: data.consultType,
          departmentCode: data.departmentCode,
          patientId: data.patientId,
          guardianId: data.guardianId,
          requestedAt: data.requestedAt,
          acceptBy: data.acceptBy,
          updatedAt: at,
        });
        return;
      }
      case "ConsultAccepted":
        await markAccepted.execute(trx, { consultId: event.data.consultId, physicianId: event.data.physicianId, updatedAt: at });
        return;
      case "FollowUpEligibilityDecided":
        if (event.data.eligible) return;
        await setStatus.execute(trx, { consultId: event.data.consultId, status: "REFUSED", updatedAt: at });
        return;
      case "ConsultCancelled":
      case "ConsultExpired":
      case "ConsultStarted":
      case "ConsultCompleted":
      case "ConsultTerminated":
        await setStatus.execute(trx, { consultId: event.data.consultId, status: STATUS_OF[event.type], updatedAt: at });
        return;
      default:
        return;
    }
  },
};
