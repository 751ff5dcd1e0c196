import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, denialError, invalidCursor } from "@ihp/platform";
import { CHECKPOINT_TABLE, type CheckpointTables, decodePosition } from "@ihp/projections";
import type { Kysely } from "kysely";
import { refusal } from "../domain/errors.js";
import { isExpired } from "../domain/dates.js";
import { isPrescriptionEventType } from "../domain/prescription/index.js";
import type { Caller } from "./caller.js";
import { prescriptionStreamId, requireInstitutionId, requireVersionRef, versionResource } from "./ids.js";
import { authorizeOn, permitted, roleGate } from "./policy.js";
import type { CatalogueLookup } from "./ports.js";
import { type PharmacyReadModels, prescriptionsProjection, rowToView } from "./prescriptionsProjection.js";
import { type PrescriptionView, viewOfHistory } from "./prescriptionViews.js";
import { recordingRefusals } from "@ihp/platform";

export interface QueriesOptions {
  readonly store: EventStore;
  readonly readModels: Kysely<PharmacyReadModels>;
  readonly audit: AuditTrail;
  readonly catalogue: CatalogueLookup;
  readonly clock: () => Date;
}

export type QueueChange = { readonly kind: "SNAPSHOT" | "ADDED" | "REMOVED"; readonly item: PrescriptionView };

export interface OrderLineInput {
  readonly drugCode: string;
  readonly prescriptionId: string;
}

export interface Queries {
  get(caller: Caller, prescriptionId: string, serialNumber: string): Promise<PrescriptionView>;
  reviewQueue(caller: Caller, institutionId: string, page: PageRequest): Promise<PrescriptionPage>;
  /** The queue now, then its changes, until `signal` aborts. Authorization happens before the first item. */
  streamQueue(caller: Caller, institutionId: string, signal: AbortSignal): Promise<AsyncIterable<QueueChange>>;
  mine(caller: Caller, page: PageRequest): Promise<PrescriptionPage>;
  /** PHA-07: each line's prescription version ("" for over-the-counter drugs), or PRESCRIPTION_REQUIRED. */
  checkOrder(caller: Caller, lines: readonly OrderLineInput[]): Promise<readonly string[]>;
}

export interface PageRequest {
  /** 0 for the default page. */
  readonly first: number;
  /** "" for the first page, else a previous endCursor. */
  readonly after: string;
}

export interface PrescriptionPage {
  readonly items: readonly PrescriptionView[];
  readonly endCursor: string;
  readonly hasNextPage: boolean;
}

const MAX_ORDER_LINES = 50;
/** The subscription's first snapshot only; the listed queue is paged. */
const QUEUE_LIMIT = 500;
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/**
 * Keyset cursor over (received_at, stream_id): unique and stable, so paging returns each version exactly once even
 * while new ones arrive. Opaque to clients (base64url of a versioned JSON pair).
 */
function encodeCursor(row: { received_at: string; stream_id: string }): string {
  return Buffer.from(JSON.stringify(["q1", row.received_at, row.stream_id]), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { readonly receivedAt: string; readonly streamId: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === "q1" && typeof parsed[1] === "string" && typeof parsed[2] === "string") {
      return { receivedAt: parsed[1], streamId: parsed[2] };
    }
  } catch {
    // Falls through to the refusal: a cursor the service did not make.
  }
  throw invalidCursor();
}

export function createQueries(options: QueriesOptions): Queries {
  const { store, readModels, audit, catalogue, clock } = options;
  const checkpoints = readModels as unknown as Kysely<PharmacyReadModels & CheckpointTables>;

  function institutionScoped(action: "ListReviewQueue" | "StreamReviewQueue", caller: Caller, raw: string): string {
    const gate = roleGate(action, caller.principal);
    if (!gate.allowed) throw denialError(gate);
    const institutionId = requireInstitutionId(raw);
    permitted(authorizeOn(action, caller.principal, { institutionId }));
    return institutionId;
  }

  async function queueRows(db: Kysely<PharmacyReadModels>, institutionId: string): Promise<PrescriptionView[]> {
    const rows = await db
      .selectFrom("pharmacy_prescriptions")
      .selectAll()
      .where("institution_id", "=", institutionId)
      .where("status", "=", "UNDER_REVIEW")
      .orderBy("received_at")
      .limit(QUEUE_LIMIT)
      .execute();
    return rows.map(rowToView);
  }

  /** One page of `query`, by (received_at, stream_id) ascending or descending. */
  async function paged(
    query: ReturnType<typeof listed>,
    request: PageRequest,
    descending: boolean,
  ): Promise<PrescriptionPage> {
    const limit = request.first === 0 ? DEFAULT_PAGE : Math.min(request.first, MAX_PAGE);
    let q = query;
    if (request.after !== "") {
      const { receivedAt, streamId } = decodeCursor(request.after);
      const beyond = descending ? "<" : ">";
      q = q.where((eb) => eb.or([eb("received_at", beyond, receivedAt), eb.and([eb("received_at", "=", receivedAt), eb("stream_id", beyond, streamId)])]));
    }
    const order = descending ? "desc" : "asc";
    const rows = await q.orderBy("received_at", order).orderBy("stream_id", order).limit(limit + 1).execute();
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { items: shown.map(rowToView), endCursor: last === undefined ? request.after : encodeCursor(last), hasNextPage: rows.length > limit };
  }

  function listed() {
    return readModels.selectFrom("pharmacy_prescriptions").selectAll();
  }

  return {
    get(caller, prescriptionId, serialNumber) {
      return recordingRefusals(audit, caller, "GetPrescription", versionResource(prescriptionId, serialNumber), async () => {
        const gate = roleGate("GetPrescription", caller.principal);
        if (!gate.allowed) throw denialError(gate);
        const ref = requireVersionRef(prescriptionId, serialNumber);
        const view = viewOfHistory(await store.readStream(prescriptionStreamId(ref)));
        if (view === undefined) throw refusal("PRESCRIPTION_NOT_FOUND");
        permitted(authorizeOn("GetPrescription", caller.principal, view));
        return view;
      });
    },

    reviewQueue(caller, rawInstitutionId, page) {
      return recordingRefusals(audit, caller, "ListReviewQueue", undefined, async () => {
        const institutionId = institutionScoped("ListReviewQueue", caller, rawInstitutionId);
        return paged(listed().where("institution_id", "=", institutionId).where("status", "=", "UNDER_REVIEW"), page, false);
      });
    },

    streamQueue(caller, rawInstitutionId, signal) {
      return recordingRefusals(audit, caller, "StreamReviewQueue", undefined, async () => {
        const institutionId = institutionScoped("StreamReviewQueue", caller, rawInstitutionId);
        // The snapshot and the position it reflects, read together: changes then follow from exactly there.
        const { snapshot, after } = await checkpoints.transaction().execute(async (trx) => {
          const checkpoint = await trx
            .selectFrom(CHECKPOINT_TABLE)
            .select("position")
            .where("name", "=", prescriptionsProjection.name)
            .executeTakeFirst();
          return { snapshot: await queueRows(trx as unknown as Kysely<PharmacyReadModels>, institutionId), after: checkpoint === undefined ? 0n : decodePosition(checkpoint.position) };
        });
        return queueChanges(store, institutionId, snapshot, after, signal);
      });
    },

    mine(caller, page) {
      return recordingRefusals(audit, caller, "ListMyPrescriptions", undefined, async () => {
        const gate = roleGate("ListMyPrescriptions", caller.principal);
        if (!gate.allowed) throw denialError(gate);
        return paged(listed().where("patient_id", "=", caller.principal.subject), page, true);
      });
    },

    checkOrder(caller, lines) {
      return recordingRefusals(audit, caller, "CheckOrder", undefined, async () => {
        const gate = roleGate("CheckOrder", caller.principal);
        if (!gate.allowed) throw denialError(gate);
        if (lines.length === 0 || lines.length > MAX_ORDER_LINES || lines.some((line) => line.drugCode.trim() === "")) {
          throw refusal("INVALID_ORDER");
        }
        const now = clock();
        const serials: string[] = [];
        for (const line of lines) {
          const drug = catalogue.drug(line.drugCode);
          // A drug the catalogue does not know is treated as prescription-only: never sold on a guess.
          if (drug !== undefined && !drug.prescriptionOnly) {
            serials.push("");
            continue;
          }
          if (line.prescriptionId === "") throw refusal("PRESCRIPTION_REQUIRED");
          const rows = await readModels
            .selectFrom("pharmacy_prescriptions")
            .selectAll()
            .where("prescription_id", "=", line.prescriptionId)
            .where("status", "=", "APPROVED")
            .execute();
          const usable = rows
            .map(rowToView)
            .filter((view) => authorizeOn("CheckOrder", caller.principal, view).allowed)
            .find((view) => !isExpired(view.validUntil, now) && view.lines.some((l) => l.drugCode === line.drugCode));
          if (usable === undefined) throw refusal("PRESCRIPTION_REQUIRED");
          serials.push(usable.serialNumber);
        }
        return serials;
      });
    },
  };
}

const ENTERS = new Set(["PrescriptionQueuedForReview"]);
const LEAVES = new Set(["PrescriptionApproved", "PrescriptionReturned", "PrescriptionRejected", "PrescriptionVoided"]);

async function* queueChanges(
  store: EventStore,
  institutionId: string,
  snapshot: readonly PrescriptionView[],
  after: bigint,
  signal: AbortSignal,
): AsyncGenerator<QueueChange> {
  for (const item of snapshot) yield { kind: "SNAPSHOT", item };
  for await (const event of store.subscribe({ after, signal })) {
    if (!isPrescriptionEventType(event.type) || event.metadata.tenantId !== institutionId) continue;
    if (!ENTERS.has(event.type) && !LEAVES.has(event.type)) continue;
    // The version as of this event: later events of the stream may already be stored.
    const history = (await store.readStream(event.streamId)).filter((stored) => stored.revision <= event.revision);
    const item = viewOfHistory(history);
    if (item === undefined) continue;
    yield { kind: ENTERS.has(event.type) ? "ADDED" : "REMOVED", item };
  }
}
