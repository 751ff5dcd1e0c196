import type { Kysely, Selectable } from "kysely";
import { invalidCursor } from "@ihp/platform";
import { type CompiledOnce, compiledOnce } from "@ihp/projections";
import type { IdentityReadModels, InstitutionsTable } from "./institutionsProjection.js";

export interface PublicInstitutionEntry {
  readonly institutionId: string;
  readonly name: string;
  readonly grade: string;
  readonly licenceNumber: string;
  readonly subjectCodes: readonly string[];
  readonly jurisdiction: string;
}

export interface PageRequest {
  /** At most this many; 0 means the default. */
  readonly first: number;
  /** endCursor of the previous page; "" for the first page. */
  readonly after: string;
}

export interface DirectoryPage {
  readonly institutions: readonly PublicInstitutionEntry[];
  readonly endCursor: string;
  readonly hasNextPage: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const CURSOR_PREFIX = "i1:";
const CURSOR_BODY = /^i1:(\d{1,15})$/;

/**
 * ListPublicInstitutions (IDN-10): the directory in registration order, keyset-paged. Cursors are opaque to clients
 * (base64url of a versioned position), so the order key can change without breaking the contract.
 */
export async function listPublicInstitutions(
  db: Kysely<IdentityReadModels>,
  page: PageRequest,
): Promise<DirectoryPage> {
  const limit = page.first === 0 ? DEFAULT_PAGE_SIZE : Math.min(page.first, MAX_PAGE_SIZE);
  const after = page.after === "" ? 0 : decodeCursor(page.after);
  const { rows } = await pageQuery(limit + 1).execute(db, { after });
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    institutions: shown.map((row) => ({
      institutionId: row.institution_id,
      name: row.name,
      grade: row.grade,
      licenceNumber: row.licence_number,
      subjectCodes: parseCodes(row.subject_codes),
      jurisdiction: row.jurisdiction,
    })),
    // An empty page keeps the caller's cursor, so polling for newcomers resumes where it was.
    endCursor: last === undefined ? page.after : encodeCursor(Number(last.seq)),
    hasNextPage: rows.length > limit,
  };
}

/**
 * The page query per LIMIT, built and compiled once (issue 15: building and compiling it cost about as much as running
 * it on SQLite). The LIMIT is fixed at build time, not a parameter: on SQLite it is written into the SQL text so the
 * statement is prepared once per page size. At most MAX_PAGE_SIZE + 1 of them.
 */
type PageQuery = CompiledOnce<IdentityReadModels, { after: number }, Selectable<InstitutionsTable>>;
const pageQueries = new Map<number, PageQuery>();

function pageQuery(limit: number): PageQuery {
  let query = pageQueries.get(limit);
  if (query === undefined) {
    query = compiledOnce((db: Kysely<IdentityReadModels>, p: { after: number }) =>
      db.selectFrom("institutions").selectAll().where("seq", ">", p.after).orderBy("seq").limit(limit),
    );
    pageQueries.set(limit, query);
  }
  return query;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number {
  const match = CURSOR_BODY.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (match === null) throw invalidCursor();
  return Number(match[1]);
}

function parseCodes(json: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((code) => typeof code === "string")) {
    throw new Error("institutions.subject_codes is not a JSON array of strings");
  }
  return value;
}
