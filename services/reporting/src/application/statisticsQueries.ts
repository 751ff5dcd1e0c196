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

interface ItemRow {
  readonly kind: string;
  readonly code: string;
  readonly detail: string;
  readonly millis: number;
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
    .select(["item.kind", "item.code", "item.detail", "item.millis", "response.millis as responseMillis"])
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
  const [rows, openCases, meta] = await Promise.all([
    items.execute().then((found) =>
      // A consult's duration is its response time, kept by the statistics consumer (null until it has it).
      found.map(({ responseMillis, ...row }) => ({ ...row, millis: Number(row.kind === "CONSULT" ? (responseMillis ?? -1) : row.millis) })),
    ),
    cases.orderBy("due_day").orderBy("case_id").execute(),
    db.selectFrom("reporting_statistics_meta").select("value").where("name", "=", AS_OF).executeTakeFirst(),
  ]);
  return {
    ...figuresOf(rows),
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

function figuresOf(rows: readonly ItemRow[]): Omit<SupervisionFigures, "asOf" | "openAnomalyCases"> {
  const of = (kind: string): ItemRow[] => rows.filter((row) => row.kind === kind);
  const consults = of("CONSULT");
  const reviews = of("REVIEWED");
  const terminations = of("TERMINATED");
  const reviewed = (outcome: string): number => reviews.filter((row) => row.code === outcome).length;
  const timed = (list: readonly ItemRow[]): number[] => list.filter((row) => row.millis >= 0).map((row) => row.millis);
  return {
    consultsByType: countBy(consults.map((row) => row.code)),
    consultsByDepartment: countBy(consults.map((row) => row.detail)),
    prescriptionsIssued: of("ISSUED").length,
    prescriptionsApproved: reviewed("APPROVED"),
    prescriptionsReturned: reviewed("RETURNED"),
    prescriptionsRejected: reviewed("REJECTED"),
    prescriptionReasons: countBy(reviews.filter((row) => row.code !== "APPROVED").map((row) => row.detail)),
    reviewTurnaround: durationFigures(timed(reviews)),
    // Consults started before consult published the request time have none and are not in it.
    consultResponse: durationFigures(timed(consults)),
    terminations: terminations.length,
    referrals: terminations.filter((row) => row.detail === "REFERRED").length,
    terminationReasons: countBy(terminations.map((row) => row.code)),
    adverseEventsBySeverity: countBy(of("ADVERSE_EVENT").map((row) => row.code)),
    complaintsByStatus: countBy(of("COMPLAINT").map((row) => row.code)),
  };
}
