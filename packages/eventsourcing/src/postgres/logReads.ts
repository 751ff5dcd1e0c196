import type pg from "pg";

import type { AppendResult } from "../eventStore.js";
import type { EventRow } from "../sqlite/schema.js";
import type { PgEventRow } from "./schema.js";

/**
 * The whole log for verify(): verifyRows is synchronous over an iterable, so the log is read first, in a REPEATABLE
 * READ snapshot, page by page.
 */
export async function readLogSnapshot(pool: pg.Pool, table: string): Promise<EventRow[]> {
  const client = await pool.connect();
  const rows: EventRow[] = [];
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    let after = "0";
    for (;;) {
      const page = await client.query<PgEventRow>(`SELECT * FROM ${table} WHERE position > $1 ORDER BY position LIMIT 10000`, [after]);
      for (const row of page.rows) rows.push({ ...row, position: Number(row.position) });
      const last = page.rows.at(-1);
      if (last === undefined) break;
      after = last.position;
    }
    await client.query("COMMIT");
  } finally {
    client.release();
  }
  return rows;
}

/** The streams a batch wrote to (repeats and refusals write nothing). */
export function streamsOf(outcomes: readonly ({ readonly ok: true; readonly results: readonly AppendResult[] } | { readonly ok: false })[]): string[] {
  const streams = new Set<string>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    for (const result of outcome.results) {
      const first = result.duplicate ? undefined : result.events[0];
      if (first !== undefined) streams.add(first.streamId);
    }
  }
  return [...streams];
}
