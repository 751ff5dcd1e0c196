import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { canonicalJson, GENESIS_HASH, hashEvent } from "@ihp/eventsourcing";
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

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

function ownHash(row: Row): string {
  return hashEvent({
    position: BigInt(row.position),
    streamId: row.stream_id,
    revision: row.revision,
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    dataJson: row.data,
    metadataJson: row.metadata,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
  });
}

/**
 * What a forger with write access to the file does: replaces the data of the event at `position` and stores the
 * event's own hash recomputed over the edited canonical encoding, exactly as the store would have. With `suffix`, every
 * later event is re-linked and re-hashed too.
 */
function forge(path: string, position: number, data: Record<string, string>, suffix: boolean): { before: string; after: string } {
  const db = new Database(path);
  db.exec("DROP TRIGGER IF EXISTS events_are_append_only_update");
  const rows = db.prepare<[], Row>("SELECT * FROM events ORDER BY position").all();
  const update = db.prepare<[string, string, string, number]>("UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?");
  let prevHash = rows.find((row) => row.position === position - 1)?.hash ?? GENESIS_HASH;
  const original = rows.find((row) => row.position === position);
  if (original === undefined) throw new Error(`no event at ${position}`);
  let after = "";
  for (const row of rows.filter((r) => r.position === position || (suffix && r.position > position))) {
    const edited: Row = { ...row, data: row.position === position ? canonicalJson(data) : row.data, prev_hash: prevHash };
    edited.hash = ownHash(edited);
    update.run(edited.data, edited.prev_hash, edited.hash, edited.position);
    if (row.position === position) after = edited.hash;
    prevHash = edited.hash;
  }
  db.close();
  return { before: original.hash, after };
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

  it("XC-01: a rewritten event whose own hash was recomputed over the edited encoding passes its own check; its successor's link breaks", () => {
    const { before, after } = forge(path, 5, { note: "forged" }, false);
    expect(after).not.toBe(before);
    // Position 5 is not named: its hash is the honest hash of its new content. Only the link from 6 gives it away.
    expect(verifyFile(path)).toEqual({ ok: false, checked: 5, position: 6n, reason: "CHAIN_BROKEN" });
    const { status, out } = runCli(path);
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "6", reason: "CHAIN_BROKEN" });
  });

  it("XC-01 gap (issue 10): the last event rewritten, or a rewritten event with its whole suffix re-hashed, still verifies", () => {
    // The chain alone cannot catch a forger who re-hashes everything after the edit: that needs the signed
    // checkpoints of the log head ARCHITECTURE §5 describes (an anchored log), which do not exist yet. This test
    // states what verify detects today; it is meant to change when checkpoints land.
    forge(path, 60, { note: "forged tail" }, false);
    expect(verifyFile(path)).toEqual({ ok: true, checked: 60, lastPosition: 60n });
    forge(path, 5, { note: "forged" }, true);
    expect(verifyFile(path)).toEqual({ ok: true, checked: 60, lastPosition: 60n });
    const db = new Database(path, { readonly: true });
    expect(db.prepare<[], { data: string }>("SELECT data FROM events WHERE position = 5").get()?.data).toBe('{"note":"forged"}');
    db.close();
  });

  it("XC-01: UPDATE and DELETE of stored events are refused by the database itself", () => {
    const db = new Database(path);
    expect(() => db.exec("UPDATE events SET type = 'X' WHERE position = 1")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM events WHERE position = 1")).toThrow(/append-only/);
    db.close();
    expect(verifyFile(path)).toMatchObject({ ok: true, checked: 60 });
  });
});
