import { invalidCursor } from "@ihp/platform";
import type { Kysely } from "kysely";
import { beijingDay } from "../../domain/institutions/index.js";
import type { PractitionerReadModels, PractitionersTable } from "./practitionersProjection.js";

export interface PractitionerSummaryEntry {
  readonly practitionerId: string;
  readonly name: string;
  readonly profession: string;
  readonly title: string;
  readonly status: string;
}

/** IDN-10: what is published about an enabled clinician. */
export interface PublicClinicianEntry {
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly name: string;
  readonly profession: string;
  readonly title: string;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly licenceNumber: string;
  readonly eLicenceReference: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly endCursor: string;
  readonly hasNextPage: boolean;
}

export interface PageRequest {
  readonly first: number;
  readonly after: string;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const CURSOR_PREFIX = "p1:";
const CURSOR_BODY = /^p1:(\d{1,15})$/;

/** ListPractitioners: one institution's practitioners in registration order, any status. */
export async function listPractitioners(
  db: Kysely<PractitionerReadModels>,
  institutionId: string,
  page: PageRequest,
  open: OpenSealed,
): Promise<Page<PractitionerSummaryEntry>> {
  const limit = pageSize(page);
  const rows = await db
    .selectFrom("practitioners")
    .selectAll()
    .where("institution_id", "=", institutionId)
    .where("seq", ">", afterSeq(page))
    .orderBy("seq")
    .limit(limit + 1)
    .execute();
  return openNames(open, paged(rows, limit, page, (row) => ({
    practitionerId: row.practitioner_id,
    name: row.name,
    profession: row.profession,
    title: row.title,
    status: row.status,
  })));
}

/**
 * ListPublicClinicians (IDN-10): enabled, registry-confirmed practitioners whose licence has not run out; physicians
 * and nurses only (pharmacists are not clinicians the public consults). Disabled, suspended, revoked, exited and
 * expired ones never appear.
 */
export async function listPublicClinicians(
  db: Kysely<PractitionerReadModels>,
  institutionId: string,
  page: PageRequest,
  now: Date,
  open: OpenSealed,
): Promise<Page<PublicClinicianEntry>> {
  const limit = pageSize(page);
  const today = beijingDay(now);
  let query = db
    .selectFrom("practitioners")
    .selectAll()
    .where("status", "=", "ACTIVE")
    .where("registry_verified", "=", 1)
    .where("credential_expired", "=", 0)
    .where("profession", "in", ["PHYSICIAN", "NURSE"])
    .where((eb) => eb.or([eb("licence_valid_until", "=", ""), eb("licence_valid_until", ">=", today)]))
    .where("seq", ">", afterSeq(page));
  if (institutionId !== "") query = query.where("institution_id", "=", institutionId);
  const rows = await query.orderBy("seq").limit(limit + 1).execute();
  return openNames(open, paged(rows, limit, page, (row) => ({
    practitionerId: row.practitioner_id,
    institutionId: row.institution_id,
    name: row.name,
    profession: row.profession,
    title: row.title,
    scopeCodes: codes(row.scope_codes),
    departmentCodes: codes(row.department_codes),
    licenceNumber: row.licence_number,
    eLicenceReference: row.e_licence_reference,
  })));
}

/** Opens a name the read model keeps sealed (IDENTITY_SEALING); "已销毁" once the practitioner's key is destroyed. */
export type OpenSealed = (value: string) => Promise<string>;

async function openNames<T extends { readonly name: string }>(open: OpenSealed, page: Page<T>): Promise<Page<T>> {
  return { ...page, items: await Promise.all(page.items.map(async (item) => ({ ...item, name: await open(item.name) }))) };
}

function pageSize(page: PageRequest): number {
  return page.first === 0 ? DEFAULT_PAGE_SIZE : Math.min(page.first, MAX_PAGE_SIZE);
}

function afterSeq(page: PageRequest): number {
  if (page.after === "") return 0;
  const match = CURSOR_BODY.exec(Buffer.from(page.after, "base64url").toString("utf8"));
  if (match === null) throw invalidCursor();
  return Number(match[1]);
}

function paged<T>(rows: readonly PractitionersTable[], limit: number, page: PageRequest, map: (row: PractitionersTable) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(map),
    endCursor: last === undefined ? page.after : Buffer.from(`${CURSOR_PREFIX}${Number(last.seq)}`, "utf8").toString("base64url"),
    hasNextPage: rows.length > limit,
  };
}

function codes(json: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((code) => typeof code === "string")) {
    throw new Error("practitioners codes column is not a JSON array of strings");
  }
  return value;
}
