import { HeadReadModel, type HeadReadModelOptions } from "@ihp/projections";
import { DEADLINES_TABLE, type DeadlineKind, type DeadlinesReadModels, deadlinesProjection } from "../adapters/deadlinesProjection.js";

/** An item with a deadline to check: what the check's command needs. */
export interface DueItem {
  readonly itemId: string;
  readonly institutionId: string;
}

/** What the overdue checks and the anomaly gauge read (REP-04, REP-05, REP-07). */
export interface DeadlineReader {
  /**
   * The items of this kind with an open deadline due before `before` (a Beijing day for complaints and anomaly cases,
   * an ISO instant for incidents) that the check has not flagged yet, once each, in id order.
   */
  unflaggedPastDue(kind: DeadlineKind, before: string): Promise<readonly DueItem[]>;
  /** How many items of this kind have an open deadline due before `before`, flagged or not. */
  openPastDue(kind: DeadlineKind, before: string): Promise<number>;
}

/** What the read model reads: the log a query waits for, the source its projector reads, its database. */
export type OpenDeadlinesOptions = Omit<HeadReadModelOptions<DeadlinesReadModels>, "projection">;

/**
 * The open deadlines read model (deadlinesProjection.ts), kept by a checkpointed projector. Every read first brings it
 * up to the log's head as of the call, so an item recorded just before a check is checked.
 */
export class OpenDeadlines extends HeadReadModel<DeadlinesReadModels> implements DeadlineReader {
  constructor(options: OpenDeadlinesOptions) {
    super({ ...options, projection: deadlinesProjection });
  }

  async unflaggedPastDue(kind: DeadlineKind, before: string): Promise<readonly DueItem[]> {
    await this.caughtUp();
    const rows = await this.db
      .selectFrom(DEADLINES_TABLE)
      .select(["item_id", "institution_id"])
      .distinct()
      .where("kind", "=", kind)
      .where("open", "=", 1)
      .where("due", "<", before)
      .where("flagged", "=", 0)
      .orderBy("item_id")
      .execute();
    return rows.map((row) => ({ itemId: row.item_id, institutionId: row.institution_id }));
  }

  async openPastDue(kind: DeadlineKind, before: string): Promise<number> {
    await this.caughtUp();
    const row = await this.db
      .selectFrom(DEADLINES_TABLE)
      .select((eb) => eb.fn.count<number | string>("item_id").distinct().as("items"))
      .where("kind", "=", kind)
      .where("open", "=", 1)
      .where("due", "<", before)
      .executeTakeFirst();
    // PostgreSQL returns a count as a string.
    return Number(row?.items ?? 0);
  }
}

/** The reader a check was built with; the check cannot run without it (a wiring fault, not a caller's). */
export function needDeadlines(deadlines: DeadlineReader | undefined): DeadlineReader {
  if (deadlines === undefined) throw new Error("the overdue check needs the open deadlines read model");
  return deadlines;
}
