import type { StoredEvent } from "@ihp/eventsourcing";
import { compiledOnce, type Projection } from "@ihp/projections";
import type { Kysely, Transaction } from "kysely";
import type { AnomalyEvent } from "../domain/anomalies/anomalyDecider.js";
import { FEED_ENTRY_RECORDED, type FeedEntryRecordedData, UNKNOWN_JURISDICTION } from "../domain/feed/entries.js";
import { millisBetween } from "../domain/statistics/figures.js";
import { type StatisticsItem, statisticsItemOf } from "../domain/statistics/statisticsItems.js";

// REP-04 / REP-05 / REP-06: the supervision statistics read model, projected from the reporting service's own log
// (the feed entries it records from consult, prescription and pharmacy events, and its own adverse events,
// complaints and anomaly cases). Counts and codes only. Same queries on SQLite (embedded) and PostgreSQL
// (READ_MODEL_URL). The projector's checkpoint commits with the rows, so a replay or a redelivery applies nothing twice.

/**
 * One counted fact (statisticsItems.ts). millis: the fact's duration (a review's turnaround), -1 when none; bigint, which
 * PostgreSQL returns as a string: read it through Number().
 */
export interface StatisticsItemsTable {
  item_key: string;
  kind: string;
  institution_id: string;
  jurisdiction: string;
  day: string;
  code: string;
  detail: string;
  at: string;
  since_key: string;
  millis: number;
}

export interface StatisticsAnomalyCasesTable {
  case_id: string;
  institution_id: string;
  opened_at: string;
  due_day: string;
  /** 1 while open, 0 once closed. */
  open: number;
}

/** Where the feed has each institution registered (its entries' jurisdiction): routes anomaly cases to regulators. */
export interface StatisticsInstitutionsTable {
  institution_id: string;
  jurisdiction: string;
}

/**
 * REP-04 consult response time per started consult (item_key "consult:<id>"), written by the statistics consumer of
 * consult's ConsultStarted (statisticsConsumer.ts), not by this projection: the request time is not in the feed.
 */
export interface StatisticsConsultResponsesTable {
  item_key: string;
  millis: number;
}

export interface StatisticsMetaTable {
  name: string;
  value: string;
}

export interface StatisticsReadModels {
  reporting_statistics_items: StatisticsItemsTable;
  reporting_statistics_anomaly_cases: StatisticsAnomalyCasesTable;
  reporting_statistics_institutions: StatisticsInstitutionsTable;
  reporting_statistics_meta: StatisticsMetaTable;
  reporting_statistics_consult_responses: StatisticsConsultResponsesTable;
}

type Trx = Transaction<StatisticsReadModels>;

/** The meta row holding the recorded time of the last event applied. */
export const AS_OF = "as_of";

const ANOMALY_OPENED = "AnomalyCaseOpened";
const ANOMALY_CLOSED = "AnomalyCaseClosed";

export const statisticsProjection: Projection<StatisticsReadModels> = {
  name: "reporting-statistics",
  version: 1,
  handles: new Set([FEED_ENTRY_RECORDED, ANOMALY_OPENED, ANOMALY_CLOSED]),
  setup: createTables,
  async reset(trx) {
    await trx.deleteFrom("reporting_statistics_items").execute();
    await trx.deleteFrom("reporting_statistics_anomaly_cases").execute();
    await trx.deleteFrom("reporting_statistics_institutions").execute();
    await trx.deleteFrom("reporting_statistics_meta").execute();
  },
  async apply(trx, stored) {
    if (stored.type === FEED_ENTRY_RECORDED) {
      // Written by this service's decider only, schema version 1.
      const data = stored.data as FeedEntryRecordedData;
      await noteInstitution(trx, data);
      const item = statisticsItemOf(data);
      if (item !== undefined) await applyItem(trx, item);
    } else if (stored.type === ANOMALY_OPENED) {
      const { caseId, institutionId, openedAt, dueDay } = stored.data as Extract<AnomalyEvent, { type: typeof ANOMALY_OPENED }>["data"];
      const row = { case_id: caseId, institution_id: institutionId, opened_at: openedAt, due_day: dueDay, open: 1 };
      await trx.insertInto("reporting_statistics_anomaly_cases").values(row).onConflict((c) => c.column("case_id").doNothing()).execute();
    } else if (stored.type === ANOMALY_CLOSED) {
      const { caseId } = stored.data as Extract<AnomalyEvent, { type: typeof ANOMALY_CLOSED }>["data"];
      await trx.updateTable("reporting_statistics_anomaly_cases").set({ open: 0 }).where("case_id", "=", caseId).execute();
    }
    await asOf(trx, stored);
  },
};

/** Per feed entry (issue 15): built and compiled once, like asOf's upsert. */
const upsertInstitution = compiledOnce((db: Kysely<StatisticsReadModels>, p: { institutionId: string; jurisdiction: string }) =>
  db
    .insertInto("reporting_statistics_institutions")
    .values({ institution_id: p.institutionId, jurisdiction: p.jurisdiction })
    .onConflict((c) => c.column("institution_id").doUpdateSet({ jurisdiction: p.jurisdiction })),
);

async function noteInstitution(trx: Trx, data: FeedEntryRecordedData): Promise<void> {
  if (data.institutionId === "" || data.jurisdiction === UNKNOWN_JURISDICTION) return;
  await upsertInstitution.execute(trx, { institutionId: data.institutionId, jurisdiction: data.jurisdiction });
}

/** The queries of applyItem, one or more per counted fact (issue 15): built and compiled once, like asOf's upsert. */
const itemKey = compiledOnce((db: Kysely<StatisticsReadModels>, p: { key: string }) =>
  db.selectFrom("reporting_statistics_items").select("item_key").where("item_key", "=", p.key),
);
const updateItemCode = compiledOnce((db: Kysely<StatisticsReadModels>, p: { key: string; code: string }) =>
  db.updateTable("reporting_statistics_items").set({ code: p.code }).where("item_key", "=", p.key),
);
const itemAt = compiledOnce((db: Kysely<StatisticsReadModels>, p: { key: string }) =>
  db.selectFrom("reporting_statistics_items").select("at").where("item_key", "=", p.key),
);
/** The row's columns one by one: compiledOnce's placeholders are read by name, not spread. */
const upsertItem = compiledOnce((db: Kysely<StatisticsReadModels>, p: { [K in keyof StatisticsItemsTable]: StatisticsItemsTable[K] }) => {
  const rest = { kind: p.kind, institution_id: p.institution_id, jurisdiction: p.jurisdiction, day: p.day, code: p.code, detail: p.detail, at: p.at, since_key: p.since_key, millis: p.millis };
  return db
    .insertInto("reporting_statistics_items")
    .values({ item_key: p.item_key, ...rest })
    .onConflict((c) => c.column("item_key").doUpdateSet(rest));
});
const reviewsWaitingFor = compiledOnce((db: Kysely<StatisticsReadModels>, p: { key: string }) =>
  db.selectFrom("reporting_statistics_items").select(["item_key", "at"]).where("since_key", "=", p.key),
);
const updateItemMillis = compiledOnce((db: Kysely<StatisticsReadModels>, p: { key: string; millis: number }) =>
  db.updateTable("reporting_statistics_items").set({ millis: p.millis }).where("item_key", "=", p.key),
);

async function applyItem(trx: Trx, item: StatisticsItem): Promise<void> {
  if (item.update === true) {
    // A later status of a fact already counted (a complaint): its day and institution stay those of the first.
    const existing = (await itemKey.execute(trx, { key: item.key })).rows[0];
    if (existing !== undefined) {
      await updateItemCode.execute(trx, { key: item.key, code: item.code });
      return;
    }
  }
  let millis = -1;
  if (item.since !== undefined) {
    // The review may be recorded before the signing it answers (separate consumers): then the ISSUED row fills it.
    const issued = (await itemAt.execute(trx, { key: item.since })).rows[0];
    millis = issued === undefined ? -1 : (millisBetween(issued.at, item.at) ?? -1);
  }
  await upsertItem.execute(trx, {
    item_key: item.key,
    kind: item.kind,
    institution_id: item.institutionId,
    jurisdiction: item.jurisdiction,
    day: item.day,
    code: item.code,
    detail: item.detail,
    at: item.at,
    since_key: item.since ?? "",
    millis,
  });
  if (item.kind === "ISSUED") {
    const { rows: waiting } = await reviewsWaitingFor.execute(trx, { key: item.key });
    for (const review of waiting) {
      const turnaround = millisBetween(item.at, review.at) ?? -1;
      await updateItemMillis.execute(trx, { key: review.item_key, millis: turnaround });
    }
  }
}

/** Per event applied (issue 15): built and compiled once. */
const upsertAsOf = compiledOnce((db: Kysely<StatisticsReadModels>, p: { recordedAt: string }) =>
  db
    .insertInto("reporting_statistics_meta")
    .values({ name: AS_OF, value: p.recordedAt })
    .onConflict((c) => c.column("name").doUpdateSet({ value: p.recordedAt })),
);

async function asOf(trx: Trx, stored: StoredEvent): Promise<void> {
  await upsertAsOf.execute(trx, { recordedAt: stored.recordedAt });
}

async function createTables(db: Kysely<StatisticsReadModels>): Promise<void> {
  await db.schema
    .createTable("reporting_statistics_items")
    .ifNotExists()
    .addColumn("item_key", "text", (column) => column.primaryKey())
    .addColumn("kind", "text", (column) => column.notNull())
    .addColumn("institution_id", "text", (column) => column.notNull())
    .addColumn("jurisdiction", "text", (column) => column.notNull())
    .addColumn("day", "text", (column) => column.notNull())
    .addColumn("code", "text", (column) => column.notNull())
    .addColumn("detail", "text", (column) => column.notNull())
    .addColumn("at", "text", (column) => column.notNull())
    .addColumn("since_key", "text", (column) => column.notNull())
    .addColumn("millis", "bigint", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("reporting_statistics_items_institution_day").ifNotExists().on("reporting_statistics_items").columns(["institution_id", "day"]).execute();
  await db.schema.createIndex("reporting_statistics_items_jurisdiction_day").ifNotExists().on("reporting_statistics_items").columns(["jurisdiction", "day"]).execute();
  await db.schema.createIndex("reporting_statistics_items_since").ifNotExists().on("reporting_statistics_items").column("since_key").execute();
  await db.schema
    .createTable("reporting_statistics_anomaly_cases")
    .ifNotExists()
    .addColumn("case_id", "text", (column) => column.primaryKey())
    .addColumn("institution_id", "text", (column) => column.notNull())
    .addColumn("opened_at", "text", (column) => column.notNull())
    .addColumn("due_day", "text", (column) => column.notNull())
    .addColumn("open", "integer", (column) => column.notNull())
    .execute();
  await db.schema
    .createTable("reporting_statistics_institutions")
    .ifNotExists()
    .addColumn("institution_id", "text", (column) => column.primaryKey())
    .addColumn("jurisdiction", "text", (column) => column.notNull())
    .execute();
  // The consumer's table (never reset with the projection: the consumer does not replay).
  await db.schema
    .createTable("reporting_statistics_consult_responses")
    .ifNotExists()
    .addColumn("item_key", "text", (column) => column.primaryKey())
    .addColumn("millis", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createTable("reporting_statistics_meta")
    .ifNotExists()
    .addColumn("name", "text", (column) => column.primaryKey())
    .addColumn("value", "text", (column) => column.notNull())
    .execute();
}
