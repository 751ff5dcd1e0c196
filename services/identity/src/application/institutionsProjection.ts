import type { Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import { isInstitutionEventType } from "../domain/institutions/index.js";
import type { ErasureReadModels } from "./erasure/erasuresProjection.js";
import { toInstitutionEvent } from "./institutionEvents.js";

/**
 * The public directory (IDN-10): only what the institution must publish — name, grade, licence number, service
 * scope — plus the jurisdiction. Licence dates, the host institution and the regulator connection stay out.
 */
export interface InstitutionsTable {
  institution_id: string;
  /** Registration order, assigned in log order; the directory's sort key and what cursors point at. */
  seq: number;
  name: string;
  grade: string;
  licence_number: string;
  /** JSON array of 诊疗科目 codes. */
  subject_codes: string;
  jurisdiction: string;
}

/** Identity's read models: institutions, practitioners (their own module) and open erasures. */
export interface IdentityReadModels extends ErasureReadModels {
  institutions: InstitutionsTable;
}

type Trx = Transaction<IdentityReadModels>;

/** Keeps the `institutions` table in step with the log. Same queries on SQLite and PostgreSQL. */
export const institutionsProjection: Projection<IdentityReadModels> = {
  name: "institutions",
  version: 1,
  handles: new Set(["InstitutionRegistered", "LicenceChanged"]),
  setup: createTables,
  async reset(trx) {
    await trx.deleteFrom("institutions").execute();
  },
  async apply(trx, event) {
    if (!isInstitutionEventType(event.type)) return;
    const domain = toInstitutionEvent(event);
    switch (domain.type) {
      case "InstitutionRegistered": {
        const { data } = domain;
        await trx
          .insertInto("institutions")
          .values({
            institution_id: data.institutionId,
            seq: await nextSeq(trx),
            name: data.name,
            grade: data.grade,
            licence_number: data.licence.number,
            subject_codes: JSON.stringify(data.subjectCodes),
            jurisdiction: data.jurisdiction,
          })
          .onConflict((conflict) => conflict.column("institution_id").doNothing())
          .execute();
        return;
      }
      case "LicenceChanged":
        await trx
          .updateTable("institutions")
          .set({ licence_number: domain.data.licence.number, subject_codes: JSON.stringify(domain.data.subjectCodes) })
          .where("institution_id", "=", domain.data.institutionId)
          .execute();
        return;
      case "RegulatorConnectionChanged":
        return;
    }
  },
};

async function createTables(db: Kysely<IdentityReadModels>): Promise<void> {
  await db.schema
    .createTable("institutions")
    .ifNotExists()
    .addColumn("institution_id", "text", (column) => column.primaryKey())
    .addColumn("seq", "integer", (column) => column.notNull().unique())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("grade", "text", (column) => column.notNull())
    .addColumn("licence_number", "text", (column) => column.notNull())
    .addColumn("subject_codes", "text", (column) => column.notNull())
    .addColumn("jurisdiction", "text", (column) => column.notNull())
    .execute();
}

// Batches of one projection are serialized by the projector (checkpoint row lock), so max + 1 cannot race.
async function nextSeq(trx: Trx): Promise<number> {
  const row = await trx
    .selectFrom("institutions")
    .select((eb) => eb.fn.max<number | null>("seq").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}
