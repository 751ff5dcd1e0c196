import { compiledOnce, type Projection } from "@ihp/projections";
import type { Kysely } from "kysely";
import type { RecordAccessedData } from "../domain/index.js";
import type { MinimizedAccess } from "./accessAudit.js";

// The records read model: two indexes over records' own log so that the queries that once scanned the whole log
// (ListRecordAccessAudit by accessor, the custody manifest of REC-13) read only the rows they need. Ids, roles, times
// and outcome codes only — the columns of MinimizedAccess, nothing of a record's content, no patient.

/** One row per RecordAccessed event (REC-08, REC-09), keyed by its log position: the order of the access log. */
export interface RecordAccessesTable {
  /** bigint: PostgreSQL returns it as a string. */
  position: number | string;
  accessor_id: string;
  record_id: string;
  accessor_role: string;
  accessor_institution_id: string;
  purpose: string;
  outcome: string;
  reason_code: string;
  accessed_at: string;
}

/** One row per record, by its custodian (REC-13): the header's custodian, fixed at origination (a rename keeps ids). */
export interface CustodianRecordsTable {
  document_id: string;
  institution_id: string;
}

export interface RecordsReadModels {
  record_accesses: RecordAccessesTable;
  custodian_records: CustodianRecordsTable;
}

// The inserts of apply, one per record and per access (issue 15): built and compiled once, not per event.

const insertAccess = compiledOnce((db: Kysely<RecordsReadModels>, p: { [K in keyof RecordAccessesTable]: K extends "position" ? number : RecordAccessesTable[K] }) =>
  db
    .insertInto("record_accesses")
    .values({
      position: p.position,
      accessor_id: p.accessor_id,
      record_id: p.record_id,
      accessor_role: p.accessor_role,
      accessor_institution_id: p.accessor_institution_id,
      purpose: p.purpose,
      outcome: p.outcome,
      reason_code: p.reason_code,
      accessed_at: p.accessed_at,
    })
    .onConflict((conflict) => conflict.column("position").doNothing()),
);

const insertCustodianRecord = compiledOnce((db: Kysely<RecordsReadModels>, p: { documentId: string; institutionId: string }) =>
  db
    .insertInto("custodian_records")
    .values({ document_id: p.documentId, institution_id: p.institutionId })
    .onConflict((conflict) => conflict.column("document_id").doNothing()),
);

export const recordsIndexProjection: Projection<RecordsReadModels> = {
  name: "records-index",
  version: 1,
  handles: new Set(["RecordAccessed", "RecordOriginated"]),
  async setup(db) {
    await db.schema
      .createTable("record_accesses")
      .ifNotExists()
      .addColumn("position", "bigint", (column) => column.primaryKey())
      .addColumn("accessor_id", "text", (column) => column.notNull())
      .addColumn("record_id", "text", (column) => column.notNull())
      .addColumn("accessor_role", "text", (column) => column.notNull())
      .addColumn("accessor_institution_id", "text", (column) => column.notNull())
      .addColumn("purpose", "text", (column) => column.notNull())
      .addColumn("outcome", "text", (column) => column.notNull())
      .addColumn("reason_code", "text", (column) => column.notNull())
      .addColumn("accessed_at", "text", (column) => column.notNull())
      .execute();
    await db.schema.createIndex("record_accesses_by_accessor").ifNotExists().on("record_accesses").columns(["accessor_id", "position"]).execute();
    await db.schema
      .createTable("custodian_records")
      .ifNotExists()
      .addColumn("document_id", "text", (column) => column.primaryKey())
      .addColumn("institution_id", "text", (column) => column.notNull())
      .execute();
    await db.schema.createIndex("custodian_records_by_institution").ifNotExists().on("custodian_records").columns(["institution_id", "document_id"]).execute();
  },
  async reset(trx) {
    await trx.deleteFrom("record_accesses").execute();
    await trx.deleteFrom("custodian_records").execute();
  },
  async apply(trx, event) {
    if (event.type === "RecordAccessed") {
      const data = event.data as unknown as RecordAccessedData;
      await insertAccess.execute(trx, {
        position: Number(event.position),
        accessor_id: data.readerId,
        record_id: data.documentId,
        accessor_role: data.readerRole,
        accessor_institution_id: data.readerInstitutionId,
        purpose: data.purpose,
        outcome: data.outcome,
        reason_code: data.code,
        accessed_at: data.accessedAt,
      });
      return;
    }
    // RecordOriginated: the stream's first event, in the same append as the record itself, so no record exists in
    // the log without it (unlike the patient and consult index streams, written afterwards).
    const header = event.data["header"] as { custodian?: { institutionId?: unknown } } | undefined;
    const documentId = event.data["documentId"];
    const institutionId = header?.custodian?.institutionId;
    if (typeof documentId !== "string" || typeof institutionId !== "string") return;
    await insertCustodianRecord.execute(trx, { documentId, institutionId });
  },
};

/** What the access audit and the custody manifest read of the index. */
export interface RecordsIndex {
  /** The accessor's access events, newest first. */
  accessesBy(accessorId: string): Promise<MinimizedAccess[]>;
  /** Document ids of every record the institution is custodian of, sorted. */
  recordsOf(institutionId: string): Promise<string[]>;
}

/**
 * The index as of the call: `caughtUp` resolves once the projector has committed the log's head as it was when
 * called, so a record or an access event written before the query is in its answer (read-your-writes); it rejects
 * when the projector has failed or the service is stopping, so an answer is never silently short.
 */
export function recordsIndex(db: Kysely<RecordsReadModels>, caughtUp: () => Promise<void>): RecordsIndex {
  return {
    async accessesBy(accessorId) {
      await caughtUp();
      const rows = await db.selectFrom("record_accesses").selectAll().where("accessor_id", "=", accessorId).orderBy("position", "desc").execute();
      return rows.map((row) => ({
        recordId: row.record_id,
        accessorId: row.accessor_id,
        accessorRole: row.accessor_role,
        accessorInstitutionId: row.accessor_institution_id,
        purpose: row.purpose,
        outcome: row.outcome as RecordAccessedData["outcome"],
        reasonCode: row.reason_code,
        at: row.accessed_at,
      }));
    },
    async recordsOf(institutionId) {
      await caughtUp();
      const rows = await db.selectFrom("custodian_records").select("document_id").where("institution_id", "=", institutionId).execute();
      // Sorted here, not by SQL: PostgreSQL's collation may order ids differently from SQLite's bytes.
      return rows.map((row) => row.document_id).sort();
    },
  };
}
