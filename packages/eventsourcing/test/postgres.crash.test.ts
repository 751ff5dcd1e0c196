import { join } from "node:path";

import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { PostgresEventStore } from "@ihp/eventsourcing/postgres";

import { runAndKill } from "./support/killChild.js";
import { DATABASE_URL, freshLog, postgresReachable } from "./support/postgresLog.js";

const child = join(import.meta.dirname, "support/postgresAppendChild.ts");
const ROUNDS = 20;
/** Each round kills the child after 20 to PER_ROUND - 20 acknowledged appends. */
const PER_ROUND = 400;
/**
 * The child appends until it is killed. It used to stop after PER_ROUND: a parent that read its acks 20 appends
 * (~40 ms) late, the child's whole margin when the kill point was near PER_ROUND, let it finish and exit 0 first.
 */
const CHILD_LIMIT = 20 * PER_ROUND;

const available = await postgresReachable();
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());

describe.skipIf(!available)("XC-01 crash safety of the PostgreSQL event store", () => {
  it(`XC-01: SIGKILL mid-burst, ${ROUNDS} rounds of ${PER_ROUND} appends → no acknowledged event lost, no duplicate, no gap, chain verifies`, async () => {
    const log = await freshLog(admin);
    try {
      const acknowledged: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const killAfter = 20 + Math.floor(Math.random() * (PER_ROUND - 40));
        acknowledged.push(...(await runAndKill(child, [log.appUrl, log.schema, String(CHILD_LIMIT), String(round)], round, killAfter)));

        const table = `"${log.schema}".events`;
        const ids = new Set((await admin.query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((row) => row.id));
        const rows = Number((await admin.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n);
        const maxPosition = Number((await admin.query<{ p: string }>(`SELECT MAX(position) AS p FROM ${table}`)).rows[0]?.p);
        const streams = (
          await admin.query<{ stream_id: string; n: string; max: number; distinct_revisions: string }>(
            `SELECT stream_id, COUNT(*) AS n, MAX(revision) AS max, COUNT(DISTINCT revision) AS distinct_revisions
               FROM ${table} GROUP BY stream_id`,
          )
        ).rows;
        expect(acknowledged.filter((id) => !ids.has(id)), `round ${round}: acknowledged but lost`).toEqual([]);
        expect(ids.size, `round ${round}: duplicate ids`).toBe(rows);
        expect(maxPosition, `round ${round}: a gap in global positions`).toBe(rows);
        for (const stream of streams) {
          expect(stream.max + 1, `round ${round}: revision gap in ${stream.stream_id}`).toBe(Number(stream.n));
          expect(Number(stream.distinct_revisions)).toBe(Number(stream.n));
        }
        const store = await PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema });
        expect(await store.verify(), `round ${round}: chain`).toMatchObject({ ok: true, checked: rows });
        await store.close();
      }
      process.stdout.write(`postgres crash test: ${ROUNDS} rounds, ${acknowledged.length} acknowledged appends, 0 lost\n`);
    } finally {
      await log.drop();
    }
  }, 120_000);
});
