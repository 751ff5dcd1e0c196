import type { StoredEvent } from "@ihp/eventsourcing";
import type { Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import type { AnomalyEvent } from "../domain/anomalies/anomalyDecider.js";
import type { ComplaintOverdue, ComplaintReceived, ComplaintStatusChanged } from "../domain/complaints/complaintDecider.js";
import type { IncidentEvent } from "../domain/incidents/incidentDecider.js";

// REP-04 / REP-05 / REP-07: the deadlines the scheduled overdue checks watch — one row per deadline of a complaint
// (acknowledge, resolve), an anomaly case (rectify) or an incident (one per authority to notify), with its item's
// id and institution, its due value, whether it is still open and whether the check has flagged it. The checks and
// the ihp_anomaly_cases_overdue gauge read it instead of scanning the log, whose length they would otherwise pay for
// (and readAll pages it: a single call saw the first 1,000 events only). Ids, days and times only: no text.
// Same table on SQLite (embedded) and PostgreSQL (READ_MODEL_URL).

export type DeadlineKind = "COMPLAINT" | "ANOMALY_CASE" | "INCIDENT";

export interface DeadlinesTable {
  /** kind:itemId:stage */
  deadline_key: string;
  kind: DeadlineKind;
  item_id: string;
  /** ACKNOWLEDGE / RESOLVE (complaint), RECTIFY (anomaly case), the authority (incident task). */
  stage: string;
  institution_id: string;
  /**
   * Complaints and anomaly cases: the Beijing due day (YYYY-MM-DD), overdue from the next day. Incidents: the task's
   * dueAt (an ISO instant, toISOString), overdue once past. Either compares as text.
   */
  due: string;
  /** 1 until the item closes this deadline (status moved on, case closed, authority notified). */
  open: number;
  /** 1 once the check has appended its overdue event: the decider would add nothing more. */
  flagged: number;
}

export interface DeadlinesReadModels {
  reporting_deadlines: DeadlinesTable;
}

export const DEADLINES_TABLE = "reporting_deadlines";

type Trx = Transaction<DeadlinesReadModels>;
type Data<E extends { type: string; data: unknown }, T extends E["type"]> = Extract<E, { type: T }>["data"];

const key = (kind: DeadlineKind, itemId: string, stage: string): string => `${kind}:${itemId}:${stage}`;

/** The streams each event type is read from: the same type name elsewhere in the log is not ours. */
const STREAM_PREFIX: Record<string, string> = {
  ComplaintReceived: "reporting-complaint-",
  ComplaintStatusChanged: "reporting-complaint-",
  ComplaintOverdue: "reporting-complaint-",
  AnomalyCaseOpened: "reporting-anomaly-",
  AnomalyCaseClosed: "reporting-anomaly-",
  AnomalyCaseOverdue: "reporting-anomaly-",
  IncidentReported: "reporting-incident-",
  AuthorityNotified: "reporting-incident-",
  NotificationOverdue: "reporting-incident-",
};

export const deadlinesProjection: Projection<DeadlinesReadModels> = {
  name: "reporting-deadlines",
  version: 1,
  handles: new Set(Object.keys(STREAM_PREFIX)),
  setup: createTable,
  async reset(trx) {
    await trx.deleteFrom(DEADLINES_TABLE).execute();
  },
  async apply(trx, event) {
    if (!event.streamId.startsWith(STREAM_PREFIX[event.type] ?? "\0")) return;
    await applyEvent(trx, event);
  },
};

async function applyEvent(trx: Trx, event: StoredEvent): Promise<void> {
  switch (event.type) {
    case "ComplaintReceived": {
      const { complaintId, institutionId, acknowledgeBy, resolveBy } = event.data as unknown as ComplaintReceived["data"];
      await insert(trx, "COMPLAINT", complaintId, institutionId, [
        ["ACKNOWLEDGE", acknowledgeBy],
        ["RESOLVE", resolveBy],
      ]);
      return;
    }
    case "ComplaintStatusChanged": {
      const { complaintId, status } = event.data as unknown as ComplaintStatusChanged["data"];
      // Handling started meets the acknowledge deadline; resolved or rejected meets both.
      const met = status === "INVESTIGATING" ? ["ACKNOWLEDGE"] : ["ACKNOWLEDGE", "RESOLVE"];
      await close(trx, met.map((stage) => key("COMPLAINT", complaintId, stage)));
      return;
    }
    case "ComplaintOverdue": {
      const { complaintId, stage } = event.data as unknown as ComplaintOverdue["data"];
      await flag(trx, key("COMPLAINT", complaintId, stage));
      return;
    }
    case "AnomalyCaseOpened": {
      const { caseId, institutionId, dueDay } = event.data as unknown as Data<AnomalyEvent, "AnomalyCaseOpened">;
      await insert(trx, "ANOMALY_CASE", caseId, institutionId, [["RECTIFY", dueDay]]);
      return;
    }
    case "AnomalyCaseClosed":
      await close(trx, [key("ANOMALY_CASE", (event.data as unknown as Data<AnomalyEvent, "AnomalyCaseClosed">).caseId, "RECTIFY")]);
      return;
    case "AnomalyCaseOverdue":
      await flag(trx, key("ANOMALY_CASE", (event.data as unknown as Data<AnomalyEvent, "AnomalyCaseOverdue">).caseId, "RECTIFY"));
      return;
    case "IncidentReported": {
      const { incidentId, institutionId, tasks } = event.data as unknown as Data<IncidentEvent, "IncidentReported">;
      await insert(
        trx,
        "INCIDENT",
        incidentId,
        institutionId,
        tasks.map((task) => [task.authority, task.dueAt]),
      );
      return;
    }
    case "AuthorityNotified": {
      const { incidentId, authority } = event.data as unknown as Data<IncidentEvent, "AuthorityNotified">;
      await close(trx, [key("INCIDENT", incidentId, authority)]);
      return;
    }
    case "NotificationOverdue": {
      const { incidentId, authority } = event.data as unknown as Data<IncidentEvent, "NotificationOverdue">;
      await flag(trx, key("INCIDENT", incidentId, authority));
      return;
    }
  }
}

async function insert(trx: Trx, kind: DeadlineKind, itemId: string, institutionId: string, stages: readonly (readonly [string, string])[]): Promise<void> {
  if (stages.length === 0) return;
  const rows = stages.map(([stage, due]) => ({ deadline_key: key(kind, itemId, stage), kind, item_id: itemId, stage, institution_id: institutionId, due, open: 1, flagged: 0 }));
  await trx.insertInto(DEADLINES_TABLE).values(rows).onConflict((c) => c.column("deadline_key").doNothing()).execute();
}

async function close(trx: Trx, keys: readonly string[]): Promise<void> {
  await trx.updateTable(DEADLINES_TABLE).set({ open: 0 }).where("deadline_key", "in", keys).execute();
}

async function flag(trx: Trx, deadlineKey: string): Promise<void> {
  await trx.updateTable(DEADLINES_TABLE).set({ flagged: 1 }).where("deadline_key", "=", deadlineKey).execute();
}

async function createTable(db: Kysely<DeadlinesReadModels>): Promise<void> {
  await db.schema
    .createTable(DEADLINES_TABLE)
    .ifNotExists()
    .addColumn("deadline_key", "text", (column) => column.primaryKey())
    .addColumn("kind", "text", (column) => column.notNull())
    .addColumn("item_id", "text", (column) => column.notNull())
    .addColumn("stage", "text", (column) => column.notNull())
    .addColumn("institution_id", "text", (column) => column.notNull())
    .addColumn("due", "text", (column) => column.notNull())
    .addColumn("open", "integer", (column) => column.notNull())
    .addColumn("flagged", "integer", (column) => column.notNull())
    .execute();
  // What the checks and the gauge ask: the open deadlines of one kind due before a day or instant.
  await db.schema.createIndex("reporting_deadlines_open_due").ifNotExists().on(DEADLINES_TABLE).columns(["kind", "open", "due"]).execute();
}
