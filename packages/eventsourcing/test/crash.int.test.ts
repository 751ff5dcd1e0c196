import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

import { verifyFile } from "@ihp/eventsourcing/sqlite";

import { runAndKill } from "./support/killChild.js";

const child = join(import.meta.dirname, "support/appendChild.ts");
const ROUNDS = 20;
/** Each round kills the child after 5%–95% of PER_ROUND acknowledged appends. */
const PER_ROUND = 1_000;
/**
 * The child appends until it is killed: stopping after PER_ROUND let a parent that read its acks late (the margin is
 * 50 appends when the kill point is near the end) find it already exited 0 (the PostgreSQL crash test's CI failure).
 */
const CHILD_LIMIT = 20 * PER_ROUND;

describe("XC-01 crash safety of the SQLite event store", () => {
  const dir = mkdtempSync(join(tmpdir(), "ihp-crash-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`XC-01: SIGKILL mid-burst, ${ROUNDS} rounds of ${PER_ROUND} appends → no acknowledged event lost, no duplicate, no gap, chain verifies`, async () => {
    const path = join(dir, "events.sqlite");
    const acknowledged: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Kill somewhere in the middle of the burst: after 5%–95% of its appends were acknowledged.
      const killAfter = 50 + Math.floor(Math.random() * (PER_ROUND - 100));
      acknowledged.push(...(await runAndKill(child, [path, String(CHILD_LIMIT), String(round)], round, killAfter)));

      const db = new Database(path, { readonly: true });
      const ids = new Set(db.prepare<[], { id: string }>("SELECT id FROM events").all().map((row) => row.id));
      const lost = acknowledged.filter((id) => !ids.has(id));
      const streams = db
        .prepare<[], { stream_id: string; n: number; max: number; distinct_revisions: number }>(
          `SELECT stream_id, COUNT(*) AS n, MAX(revision) AS max, COUNT(DISTINCT revision) AS distinct_revisions
             FROM events GROUP BY stream_id`,
        )
        .all();
      const rows = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM events").get()!.n;
      db.close();

      expect(lost, `round ${round}: acknowledged but lost`).toEqual([]);
      expect(ids.size, `round ${round}: duplicate ids`).toBe(rows);
      for (const stream of streams) {
        expect(stream.max + 1, `round ${round}: revision gap in ${stream.stream_id}`).toBe(stream.n);
        expect(stream.distinct_revisions).toBe(stream.n);
      }
      expect(verifyFile(path), `round ${round}: chain`).toMatchObject({ ok: true, checked: rows });
    }
    process.stdout.write(`crash test: ${ROUNDS} rounds, ${acknowledged.length} acknowledged appends, 0 lost\n`);
  }, 240_000);
});
