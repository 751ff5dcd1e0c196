import type { Projection } from "@ihp/projections";
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
        const row = await trx.selectFrom("consults").select((eb) => eb.fn.max<number | null>("seq").as("max")).executeTakeFirst();
        await trx
          .insertInto("consults")
          .values({
            consult_id: data.consultId,
            seq: Number(row?.max ?? 0) + 1,
            institution_id: data.institutionId,
            consult_type: data.consultType,
            department_code: data.departmentCode,
            patient_id: data.patientId,
            guardian_id: data.guardianId,
            physician_id: "",
            status: "WAITING",
            requested_at: data.requestedAt,
            accept_by: data.acceptBy,
            updated_at: at,
          })
          .onConflict((conflict) => conflict.column("consult_id").doNothing())
          .execute();
        return;
      }
      case "ConsultAccepted":
        await trx
          .updateTable("consults")
          .set({ status: "ACCEPTED", physician_id: event.data.physicianId, updated_at: at })
          .where("consult_id", "=", event.data.consultId)
          .execute();
        return;
      case "FollowUpEligibilityDecided":
        if (event.data.eligible) return;
        await trx.updateTable("consults").set({ status: "REFUSED", updated_at: at }).where("consult_id", "=", event.data.consultId).execute();
        return;
      case "ConsultCancelled":
      case "ConsultExpired":
      case "ConsultStarted":
      case "ConsultCompleted":
      case "ConsultTerminated":
        await trx
          .updateTable("consults")
          .set({ status: STATUS_OF[event.type], updated_at: at })
          .where("consult_id", "=", event.data.consultId)
          .execute();
        return;
      default:
        return;
    }
  },
};
