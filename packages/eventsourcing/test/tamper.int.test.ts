import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { SqliteEventStore, verifyFile } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";

const cli = join(import.meta.dirname, "../src/cli/verify.ts");

/** Writes 60 events over 6 streams; event at position p carries the marker "MARK-<p>-X". */
async function writeLog(path: string): Promise<void> {
  const store = SqliteEventStore.open({ path });
  for (let round = 0; round < 10; round++) {
    for (let s = 0; s < 6; s++) {
      const position = round * 6 + s + 1;
      await store.append(`consult-${s}`, [newEvent("NoteWritten", { note: `MARK-${position}-X` })], "any");
    }
  }
  await store.close();
}

/** Flips one byte of the file where `needle` is stored. */
function flipByte(path: string, needle: string): void {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(Buffer.from(needle, "utf8"));
  expect(at, `${needle} must be in the file exactly once`).toBeGreaterThan(-1);
  expect(bytes.indexOf(Buffer.from(needle, "utf8"), at + 1)).toBe(-1);
  const last = at + needle.length - 1;
  bytes[last] = "Y".charCodeAt(0);
  writeFileSync(path, bytes);
}

function runCli(path: string): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync("npx", ["tsx", "--conditions=ihp-source", cli, path], { encoding: "utf8" }) };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { status: failed.status, out: failed.stdout };
  }
}

describe("XC-01 tamper evidence of the SQLite event log", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ihp-tamper-"));
    path = join(dir, "events.sqlite");
    await writeLog(path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("XC-01: an intact log verifies, from the API and from the CLI", () => {
    expect(verifyFile(path)).toEqual({ ok: true, checked: 60, lastPosition: 60n });
    const { status, out } = runCli(path);
    expect(status).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, checked: 60, lastPosition: "60" });
  });

  it("XC-01: one byte changed on disk in one event → verify names that position", () => {
    flipByte(path, "MARK-37-X");
    expect(verifyFile(path)).toEqual({ ok: false, checked: 36, position: 37n, reason: "HASH_MISMATCH" });
    const { status, out } = runCli(path);
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "37", reason: "HASH_MISMATCH" });
  });

  it("XC-01: a deleted event (triggers dropped by hand) breaks the chain at the next position", () => {
    const db = new Database(path);
    db.exec("DROP TRIGGER events_are_append_only_delete; DELETE FROM events WHERE position = 20;");
    db.close();
    expect(verifyFile(path)).toMatchObject({ ok: false, position: 21n, reason: "CHAIN_BROKEN" });
  });

  it("XC-01: a rewritten event with a recomputed own hash still breaks its successor's link", () => {
    const db = new Database(path);
    db.exec(`DROP TRIGGER events_are_append_only_update;
             UPDATE events SET data = '{"note":"forged"}', hash = '${"a".repeat(64)}' WHERE position = 5;`);
    db.close();
    expect(verifyFile(path)).toMatchObject({ ok: false, position: 5n, reason: "HASH_MISMATCH" });
  });

  it("XC-01: UPDATE and DELETE of stored events are refused by the database itself", () => {
    const db = new Database(path);
    expect(() => db.exec("UPDATE events SET type = 'X' WHERE position = 1")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM events WHERE position = 1")).toThrow(/append-only/);
    db.close();
    expect(verifyFile(path)).toMatchObject({ ok: true, checked: 60 });
  });
});
