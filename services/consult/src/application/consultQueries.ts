import { type EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, authorize, denialError, invalidCursor } from "@ihp/platform";
import type { Kysely, Selectable } from "kysely";
import type { Caller } from "./caller.js";
import { type ConsultView, loadConsult } from "./consultEvents.js";
import { requireConsultId, requireInstitutionId } from "./ids.js";
import { readerRole } from "./policy.js";
import type { ConsultReadModels, ConsultsTable } from "./queuesProjection.js";
import { refusal } from "../domain/errors.js";
import { consultResource, recordingRefusals } from "./refusals.js";

export interface PageRequest {
  readonly first: number;
  readonly after: string;
}

export interface ConsultPage {
  readonly consults: readonly Selectable<ConsultsTable>[];
  readonly endCursor: string;
  readonly hasNextPage: boolean;
}

export interface ConsultQueries {
  get(caller: Caller, consultId: string): Promise<ConsultView>;
  waiting(caller: Caller, page: PageRequest): Promise<ConsultPage>;
  /** A patient's own (and their children's), or a physician's: those assigned to them at their institution. */
  mine(caller: Caller, page: PageRequest, statuses?: readonly string[]): Promise<ConsultPage>;
  board(caller: Caller, institutionId: string, page: PageRequest): Promise<ConsultPage>;
}

const CONSULT_STATUSES: ReadonlySet<string> = new Set(["WAITING", "ACCEPTED", "IN_PROGRESS", "COMPLETED", "CANCELLED", "EXPIRED", "REFUSED", "TERMINATED_REFERRED"]);
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
const CURSOR = /^c1:(\d{1,15})$/;

/**
 * Reads. One consult comes from its own stream (the caller sees their own writes at once); the queues come from the
 * read model. Each is authorized by role and relationship; every refused read is recorded (XC-02).
 */
export function createConsultQueries(options: { store: EventStore; audit: AuditTrail; readModels: Kysely<ConsultReadModels> }): ConsultQueries {
  const { store, audit, readModels } = options;

  async function page(query: ReturnType<typeof base>, request: PageRequest, descending: boolean): Promise<ConsultPage> {
    const limit = request.first === 0 ? DEFAULT_PAGE : Math.min(request.first, MAX_PAGE);
    const after = request.after === "" ? undefined : decodeCursor(request.after);
    let q = query;
    if (after !== undefined) q = q.where("seq", descending ? "<" : ">", after);
    const rows = await q.orderBy("seq", descending ? "desc" : "asc").limit(limit + 1).execute();
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      consults: shown,
      endCursor: last === undefined ? request.after : Buffer.from(`c1:${last.seq}`, "utf8").toString("base64url"),
      hasNextPage: rows.length > limit,
    };
  }

  function base() {
    return readModels.selectFrom("consults").selectAll();
  }

  return {
    get(caller, rawId) {
      return recordingRefusals(audit, caller, "GetConsult", consultResource(rawId), async () => {
        // Roles that never read a consult are refused before anything is read: not even its existence is theirs.
        const decision = authorize(caller.principal, { roles: ["patient", "physician", "institution_admin"] });
        if (!decision.allowed) throw denialError(decision);
        const view = await loadConsult(store, requireConsultId(rawId));
        readerRole(caller.principal, view.consult);
        return view;
      });
    },

    waiting(caller, request) {
      return recordingRefusals(audit, caller, "ListWaitingConsults", undefined, async () => {
        const decision = authorize(caller.principal, { roles: ["physician"] });
        if (!decision.allowed) throw denialError(decision);
        const { tenantId, subject } = caller.principal;
        // Waiting consults of the physician's institution, and those assigned to them and still open. Department
        // scope is identity's to judge, at acceptance (CheckReceiving).
        const query = base()
          .where("institution_id", "=", tenantId)
          .where((eb) =>
            eb.or([eb("status", "=", "WAITING"), eb.and([eb("physician_id", "=", subject), eb("status", "in", ["ACCEPTED", "IN_PROGRESS"])])]),
          );
        return page(query, request, false);
      });
    },

    mine(caller, request, statuses = []) {
      return recordingRefusals(audit, caller, "ListMyConsults", undefined, async () => {
        const decision = authorize(caller.principal, { roles: ["patient", "physician"] });
        if (!decision.allowed) throw denialError(decision);
        if (statuses.some((status) => !CONSULT_STATUSES.has(status))) throw refusal("INVALID_CONSULT_STATUS");
        const { subject, tenantId, roles } = caller.principal;
        // Issue 13 item 16: a physician's own consults (e.g. the completed ones to follow up), at the institution
        // of their token only; a patient's their own and their children's.
        let query = roles.includes("patient")
          ? base().where((eb) => eb.or([eb("patient_id", "=", subject), eb("guardian_id", "=", subject)]))
          : base().where("physician_id", "=", subject).where("institution_id", "=", tenantId);
        if (statuses.length > 0) query = query.where("status", "in", [...statuses]);
        return page(query, request, true);
      });
    },

    board(caller, rawId, request) {
      return recordingRefusals(audit, caller, "ListInstitutionBoard", undefined, async () => {
        const institutionId = requireInstitutionId(rawId);
        // The institution's own administrators only: the board names patients and their consults, and no platform
        // job needs it (a service credential reading it would be a clinical read without a care relationship).
        const own = authorize(caller.principal, { roles: ["institution_admin"], tenantId: institutionId });
        if (!own.allowed) throw denialError(own);
        const query = base().where("institution_id", "=", institutionId).where("status", "in", ["WAITING", "ACCEPTED", "IN_PROGRESS"]);
        return page(query, request, false);
      });
    },
  };
}

function decodeCursor(cursor: string): number {
  const match = CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (match === null) throw invalidCursor();
  return Number(match[1]);
}
