import type { Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import { isPractitionerEventType, PRACTITIONER_EVENT_TYPES } from "../../domain/practitioners/index.js";
import { PRACTITIONER_STREAM_PREFIX } from "./ids.js";
import { toPractitionerEvent } from "./practitionerEvents.js";

/**
 * One row per practitioner: what the institution's list shows and what the public directory (IDN-10) may publish.
 * No ID number, photo or documents. `listed` is kept by the projection: ACTIVE, registry-confirmed, licence not
 * recorded as expired; the directory query also hides licences whose last valid day has passed (expiry may not
 * have been noticed yet).
 */
export interface PractitionersTable {
  practitioner_id: string;
  institution_id: string;
  /** Registration order: sort key and cursor position. */
  seq: number;
  name: string;
  profession: string;
  title: string;
  status: string;
  /** JSON arrays of codes. */
  scope_codes: string;
  department_codes: string;
  licence_number: string;
  /** "" when the licence does not expire. */
  licence_valid_until: string;
  e_licence_reference: string;
  registry_verified: number;
  credential_expired: number;
}

export interface PractitionerReadModels {
  practitioners: PractitionersTable;
}

type Trx = Transaction<PractitionerReadModels>;
type Row = PractitionersTable;

export const practitionersProjection: Projection<PractitionerReadModels> = {
  name: "practitioners",
  version: 1,
  handles: PRACTITIONER_EVENT_TYPES,
  setup: createTables,
  async reset(trx) {
    await trx.deleteFrom("practitioners").execute();
  },
  async apply(trx, stored) {
    // Other aggregates of identity may use the same event names (e.g. IdentityVerified for patients).
    if (!stored.streamId.startsWith(PRACTITIONER_STREAM_PREFIX) || !isPractitionerEventType(stored.type)) return;
    const event = toPractitionerEvent(stored);
    const id = event.data.practitionerId;
    switch (event.type) {
      case "PractitionerRegistered": {
        const { data } = event;
        await trx
          .insertInto("practitioners")
          .values({
            practitioner_id: id,
            institution_id: data.institutionId,
            seq: await nextSeq(trx),
            name: data.person.name,
            profession: data.person.profession,
            title: data.practice.title,
            status: "PENDING",
            scope_codes: JSON.stringify(data.practice.scopeCodes),
            department_codes: JSON.stringify(data.practice.departmentCodes),
            licence_number: data.practice.licenceNumber,
            licence_valid_until: data.practice.licenceValidUntil,
            e_licence_reference: "",
            registry_verified: 0,
            credential_expired: 0,
          })
          .onConflict((conflict) => conflict.column("practitioner_id").doNothing())
          .execute();
        return;
      }
      case "RegistryVerified":
        return update(trx, id, { registry_verified: 1, e_licence_reference: event.data.eLicenceReference });
      case "RegistryLookupFailed":
        if (event.data.reason !== "UNAVAILABLE") await update(trx, id, { registry_verified: 0 });
        return;
      case "PracticeChanged": {
        const { practice } = event.data;
        return update(trx, id, {
          title: practice.title,
          scope_codes: JSON.stringify(practice.scopeCodes),
          department_codes: JSON.stringify(practice.departmentCodes),
          licence_number: practice.licenceNumber,
          licence_valid_until: practice.licenceValidUntil,
          credential_expired: 0,
        });
      }
      case "PractitionerEnabled":
        return update(trx, id, { status: "ACTIVE" });
      case "PractitionerSuspended":
        return update(trx, id, { status: "SUSPENDED" });
      case "PractitionerReinstated":
        return update(trx, id, { status: event.data.status });
      case "PractitionerRevoked":
        return update(trx, id, { status: "REVOKED" });
      case "PractitionerExited":
        return update(trx, id, { status: "EXITED" });
      case "CredentialExpired":
        return update(trx, id, { credential_expired: 1 });
      case "IdentityVerified":
      case "PracticeDocumentRecorded":
      case "StaffRecordChanged":
        return;
    }
  },
};

async function update(trx: Trx, practitionerId: string, values: Partial<Omit<Row, "practitioner_id">>): Promise<void> {
  await trx.updateTable("practitioners").set(values).where("practitioner_id", "=", practitionerId).execute();
}

async function createTables(db: Kysely<PractitionerReadModels>): Promise<void> {
  await db.schema
    .createTable("practitioners")
    .ifNotExists()
    .addColumn("practitioner_id", "text", (column) => column.primaryKey())
    .addColumn("institution_id", "text", (column) => column.notNull())
    .addColumn("seq", "integer", (column) => column.notNull().unique())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("profession", "text", (column) => column.notNull())
    .addColumn("title", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("scope_codes", "text", (column) => column.notNull())
    .addColumn("department_codes", "text", (column) => column.notNull())
    .addColumn("licence_number", "text", (column) => column.notNull())
    .addColumn("licence_valid_until", "text", (column) => column.notNull())
    .addColumn("e_licence_reference", "text", (column) => column.notNull())
    .addColumn("registry_verified", "integer", (column) => column.notNull())
    .addColumn("credential_expired", "integer", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("practitioners_by_institution")
    .ifNotExists()
    .on("practitioners")
    .columns(["institution_id", "seq"])
    .execute();
}

// Batches of one projection are serialized by the projector, so max + 1 cannot race.
async function nextSeq(trx: Trx): Promise<number> {
  const row = await trx
    .selectFrom("practitioners")
    .select((eb) => eb.fn.max<number | null>("seq").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/**
 * The service's read-model database seen through this projection's tables. Kysely's database type is invariant, so
 * a Kysely typed for all identity tables is not one typed for these; each projection owns its tables and touches no
 * other, which makes the view safe.
 */
export function practitionerTables<DB>(db: Kysely<DB>): Kysely<PractitionerReadModels> {
  return db as unknown as Kysely<PractitionerReadModels>;
}

/** The projection for a host typed with the service's whole read-model database (see practitionerTables). */
export function practitionersProjectionOf<DB>(): Projection<DB> {
  return practitionersProjection as unknown as Projection<DB>;
}
