import type { Kysely } from "kysely";
import { AS_OF, type StatisticsReadModels } from "../adapters/statisticsProjection.js";
import { countBy, type DayRange, type DurationFigures, durationFigures, type FigureCount, isOverdue } from "../domain/statistics/figures.js";
import type { StatisticsScope } from "../domain/statistics/statisticsAccess.js";

export interface AnomalyCaseDue {
  readonly caseId: string;
  readonly institutionId: string;
  readonly openedAt: string;
  readonly dueOn: string;
  readonly overdue: boolean;
}

/** The supervision dashboard's figures (REP-04; REP-05 anomaly cases, REP-06 adverse events). Counts and codes only. */
export interface SupervisionFigures {
  readonly asOf: string | undefined;
  readonly consultsByType: FigureCount[];
  readonly consultsByDepartment: FigureCount[];
  readonly prescriptionsIssued: number;
  readonly prescriptionsApproved: number;
  readonly prescriptionsReturned: number;
  readonly prescriptionsRejected: number;
  readonly prescriptionReasons: FigureCount[];
  readonly reviewTurnaround: DurationFigures;
  readonly consultResponse: DurationFigures;
  readonly terminations: number;
  readonly referrals: number;
  readonly terminationReasons: FigureCount[];
  readonly adverseEventsBySeverity: FigureCount[];
  readonly complaintsByStatus: FigureCount[];
  readonly openAnomalyCases: AnomalyCaseDue[];
}

/** Items of one kind, code and detail, and how many. */
interface ItemGroup {
  readonly kind: string;
  readonly code: string;
  readonly detail: string;
  readonly count: number;
}

/**
 * The figures of a scope over a range of Beijing days, from the statistics read model. "national" as a jurisdiction
 * covers every institution (entries of institutions the feed has no registration for included). Open anomaly cases
 * are those open now, whatever the range; `today` (Beijing) decides which are overdue.
 */
export async function supervisionFigures(
  db: Kysely<StatisticsReadModels>,
  scope: StatisticsScope,
  range: DayRange,
  today: string,
): Promise<SupervisionFigures> {
  let items = db
    .selectFrom("reporting_statistics_items as item")
    .leftJoin("reporting_statistics_consult_responses as response", "response.item_key", "item.item_key")
    .where("item.day", ">=", range.firstDay)
    .where("item.day", "<=", range.lastDay);
  let cases = db.selectFrom("reporting_statistics_anomaly_cases").selectAll().where("open", "=", 1);
  if (scope.kind === "institution") {
    items = items.where("item.institution_id", "=", scope.institutionId);
    cases = cases.where("institution_id", "=", scope.institutionId);
  } else if (scope.jurisdiction !== "national") {
    const { jurisdiction } = scope;
    items = items.where("item.jurisdiction", "=", jurisdiction);
    cases = cases.where("institution_id", "in", db.selectFrom("reporting_statistics_institutions").select("institution_id").where("jurisdiction", "=", jurisdiction));
  }
  // Counts are grouped in the database; durations need every value for exact medians and percentiles. Numbers
  // through Number(): PostgreSQL returns bigint and count as strings.
  const groups = items
    .select(["item.kind", "item.code", "item.detail", (eb) => eb.fn.countAll<number | string>().as("count")])
    .groupBy(["item.kind", "item.code", "item.detail"]);
  const reviews = items.select("item.millis as millis").where("item.kind", "=", "REVIEWED").where("item.millis", ">=", 0);
  // A consult's response time is kept by the statistics consumer (none for consults it has no request time for).
  const responses = items.select("response.millis as millis").where("item.kind", "=", "CONSULT").where("response.millis", "is not", null);
  const millis = (rows: readonly { readonly millis: number | string | null }[]): number[] => rows.map((row) => Number(row.millis));
  const [grouped, reviewMillis, responseMillis, openCases, meta] = await Promise.all([
    groups.execute().then((rows) => rows.map((row) => ({ ...row, count: Number(row.count) }))),
    reviews.execute().then(millis),
    responses.execute().then(millis),
    cases.orderBy("due_day").orderBy("case_id").execute(),
    db.selectFrom("reporting_statistics_meta").select("value").where("name", "=", AS_OF).executeTakeFirst(),
  ]);
  return {
    ...countsOf(grouped),
    reviewTurnaround: durationFigures(reviewMillis),
    consultResponse: durationFigures(responseMillis),
    asOf: meta?.value,
    openAnomalyCases: openCases.map((row) => ({
      caseId: row.case_id,
      institutionId: row.institution_id,
      openedAt: row.opened_at,
      dueOn: row.due_day,
      overdue: isOverdue(row.due_day, today),
    })),
  };
}

function countsOf(groups: readonly ItemGroup[]): Omit<SupervisionFigures, "asOf" | "openAnomalyCases" | "reviewTurnaround" | "consultResponse"> {
  const of = (kind: string): ItemGroup[] => groups.filter((group) => group.kind === kind);
  const total = (list: readonly ItemGroup[]): number => list.reduce((sum, group) => sum + group.count, 0);
  const by = (list: readonly ItemGroup[], key: (group: ItemGroup) => string) => countBy(list.map((group) => ({ key: key(group), count: group.count })));
  const consults = of("CONSULT");
  const reviews = of("REVIEWED");
  const terminations = of("TERMINATED");
  const reviewed = (outcome: string): number => total(reviews.filter((group) => group.code === outcome));
  return {
    consultsByType: by(consults, (group) => group.code),
    consultsByDepartment: by(consults, (group) => group.detail),
    prescriptionsIssued: total(of("ISSUED")),
    prescriptionsApproved: reviewed("APPROVED"),
    prescriptionsReturned: reviewed("RETURNED"),
    prescriptionsRejected: reviewed("REJECTED"),
    prescriptionReasons: by(reviews.filter((group) => group.code !== "APPROVED"), (group) => group.detail),
    terminations: total(terminations),
    referrals: total(terminations.filter((group) => group.detail === "REFERRED")),
    terminationReasons: by(terminations, (group) => group.code),
    adverseEventsBySeverity: by(of("ADVERSE_EVENT"), (group) => group.code),
    complaintsByStatus: by(of("COMPLAINT"), (group) => group.code),
  };
}
