import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  type AnchorOptions,
  appendCheckpoint,
  canonicalJson,
  CheckpointSigner,
  checkCheckpoint,
  GENESIS_HASH,
  hashEvent,
  type LogCheckpoint,
  readCheckpoints,
} from "@ihp/eventsourcing";
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

function runCli(path: string, ...options: string[]): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync("npx", ["tsx", "--conditions=ihp-source", cli, ...options, path], { encoding: "utf8" }) };
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

  it("XC-01: the chain alone does not catch the last event rewritten, or a rewritten event with its suffix re-hashed (the anchored log below does)", () => {
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

/** Rounds after which the service signed a checkpoint of its head: positions 18, 36 and 60. */
const CHECKPOINT_ROUNDS = new Set([3, 6, 10]);

/**
 * Writes rounds [from, to) of the same log as writeLog and, after the rounds in CHECKPOINT_ROUNDS, signs the head as
 * the service host does and appends the checkpoint to the JSON Lines file.
 */
async function writeAnchoredLog(path: string, checkpointFile: string, signer: CheckpointSigner, from = 0, to = 10): Promise<void> {
  const store = SqliteEventStore.open({ path });
  for (let round = from; round < to; round++) {
    for (let s = 0; s < 6; s++) {
      const position = round * 6 + s + 1;
      await store.append(`consult-${s}`, [newEvent("NoteWritten", { note: `MARK-${position}-X` })], "any");
    }
    if (CHECKPOINT_ROUNDS.has(round + 1)) {
      await appendCheckpoint(checkpointFile, signer.sign("consult", await store.head(), new Date(Date.UTC(2026, 0, 1, 0, round))));
    }
  }
  await store.close();
}

function deleteFrom(path: string, position: number): void {
  const db = new Database(path);
  db.exec(`DROP TRIGGER events_are_append_only_delete; DELETE FROM events WHERE position >= ${position}; VACUUM;`);
  db.close();
}

describe("XC-01 anchored log (issue 10): verify against signed checkpoints of the log head", () => {
  let dir: string;
  let path: string;
  let checkpointFile: string;
  let signer: CheckpointSigner;
  let anchors: () => Promise<AnchorOptions>;
  const cliAnchors = (): string[] => ["--checkpoints", checkpointFile, "--public-key", signer.publicKey, "--log", "consult"];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ihp-anchored-"));
    path = join(dir, "consult-events.sqlite");
    checkpointFile = join(dir, "consult-log-checkpoints.jsonl");
    signer = CheckpointSigner.generate();
    anchors = async () => ({ checkpoints: await readCheckpoints(checkpointFile), trustedPublicKey: signer.publicKey, log: "consult" });
    await writeAnchoredLog(path, checkpointFile, signer);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("XC-01: an intact log verifies against its checkpoints, anchored through the last one (API, store and CLI)", async () => {
    expect(await readCheckpoints(checkpointFile)).toHaveLength(3);
    expect(verifyFile(path, await anchors())).toEqual({ ok: true, checked: 60, lastPosition: 60n, anchoredPosition: 60n });
    const store = SqliteEventStore.open({ path });
    expect(await store.verify(await anchors())).toMatchObject({ ok: true, anchoredPosition: 60n });
    await store.close();
    const { status, out } = runCli(path, ...cliAnchors());
    expect(status).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, checked: 60, lastPosition: "60", anchoredPosition: "60" });
  });

  it("XC-01: the last event rewritten and re-hashed → CHECKPOINT_MISMATCH at 60 (the chain alone passes)", async () => {
    forge(path, 60, { note: "forged tail" }, false);
    expect(verifyFile(path)).toMatchObject({ ok: true });
    expect(verifyFile(path, await anchors())).toEqual({
      ok: false,
      checked: 59,
      position: 60n,
      reason: "CHECKPOINT_MISMATCH",
      anchoredPosition: 36n,
    });
  });

  it("XC-01: an event edited and everything after it re-hashed → CHECKPOINT_MISMATCH at the first checkpoint after the edit, from the API and the CLI (exit 1)", async () => {
    forge(path, 5, { note: "forged" }, true);
    expect(verifyFile(path)).toMatchObject({ ok: true });
    // The edit lies after anchoredPosition (0: no earlier checkpoint) and at or before position 18.
    expect(verifyFile(path, await anchors())).toEqual({
      ok: false,
      checked: 17,
      position: 18n,
      reason: "CHECKPOINT_MISMATCH",
      anchoredPosition: 0n,
    });
    forge(path, 40, { note: "forged later" }, true);
    const { status, out } = runCli(path, ...cliAnchors());
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "18", reason: "CHECKPOINT_MISMATCH" });
  });

  it("XC-01: the last events deleted (triggers dropped by hand) → LOG_TRUNCATED at the first missing position, from the API and the CLI (exit 1)", async () => {
    deleteFrom(path, 56);
    expect(verifyFile(path)).toEqual({ ok: true, checked: 55, lastPosition: 55n });
    expect(verifyFile(path, await anchors())).toEqual({ ok: false, checked: 55, position: 56n, reason: "LOG_TRUNCATED", anchoredPosition: 36n });
    const { status, out } = runCli(path, ...cliAnchors());
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "56", reason: "LOG_TRUNCATED", anchoredPosition: "36" });
  });

  it("XC-01: the file replaced by an older copy of itself → LOG_TRUNCATED at the first position the copy lacks", async () => {
    // The same log written again in two steps, with a copy of the file taken in between (a backup, say).
    rmSync(path);
    rmSync(checkpointFile);
    const older = join(dir, "older.sqlite");
    await writeAnchoredLog(path, checkpointFile, signer, 0, 7);
    copyFileSync(path, older);
    await writeAnchoredLog(path, checkpointFile, signer, 7, 10);
    copyFileSync(older, path);
    expect(verifyFile(path)).toEqual({ ok: true, checked: 42, lastPosition: 42n });
    expect(verifyFile(path, await anchors())).toEqual({ ok: false, checked: 42, position: 43n, reason: "LOG_TRUNCATED", anchoredPosition: 36n });
  });

  it("XC-01: the file cut short at the byte level, or to nothing → LOG_TRUNCATED at the first position that can no longer be read", async () => {
    const size = statSync(path).size;
    truncateSync(path, Math.floor(size / 2 / 4096) * 4096);
    expect(() => verifyFile(path)).toThrow();
    const cut = verifyFile(path, await anchors());
    expect(cut).toMatchObject({ ok: false, reason: "LOG_TRUNCATED" });
    expect(cut.ok ? 0n : cut.position).toBe(BigInt(cut.checked) + 1n);
    expect(cut.checked).toBeLessThan(60);

    truncateSync(path, 0);
    expect(verifyFile(path, await anchors())).toEqual({ ok: false, checked: 0, position: 1n, reason: "LOG_TRUNCATED", anchoredPosition: 0n });
    const { status, out } = runCli(path, ...cliAnchors());
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "1", reason: "LOG_TRUNCATED" });
  });

  it("XC-01: a forger who re-hashes the log and signs a new checkpoint with their own key is refused (CHECKPOINT_INVALID); so is an altered checkpoint", async () => {
    forge(path, 5, { note: "forged" }, true);
    const forger = CheckpointSigner.generate();
    const store = SqliteEventStore.open({ path });
    const forged = forger.sign("consult", await store.head(), new Date());
    await store.close();
    writeFileSync(checkpointFile, `${JSON.stringify(forged)}\n`);
    expect(checkCheckpoint(forged, signer.publicKey)).toEqual({ ok: false, reason: "CHECKPOINT_UNTRUSTED_KEY" });
    expect(verifyFile(path, await anchors())).toEqual({ ok: false, checked: 0, position: 60n, reason: "CHECKPOINT_INVALID" });
    // Claiming the trusted key does not help: the signature is over the content.
    const altered = { ...forged, publicKey: signer.publicKey };
    expect(checkCheckpoint(altered, signer.publicKey)).toEqual({ ok: false, reason: "CHECKPOINT_SIGNATURE_INVALID" });
    const honest = signer.sign("consult", { position: 60n, hash: "a".repeat(64) }, new Date());
    expect(checkCheckpoint({ ...honest, headHash: "b".repeat(64) }, signer.publicKey)).toEqual({ ok: false, reason: "CHECKPOINT_SIGNATURE_INVALID" });
    expect(checkCheckpoint(honest, signer.publicKey, "pharmacy")).toEqual({ ok: false, reason: "CHECKPOINT_OTHER_LOG" });
    expect(checkCheckpoint({ ...honest, position: "-1" }, signer.publicKey)).toEqual({ ok: false, reason: "CHECKPOINT_MALFORMED" });
    const { status, out } = runCli(path, ...cliAnchors());
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "60", reason: "CHECKPOINT_INVALID" });
  });

  it("XC-01: the local copy's last line cut short by a crash is skipped, and cut off by the next append; a bad line before the end is an error", async () => {
    const text = readFileSync(checkpointFile, "utf8");
    writeFileSync(checkpointFile, `${text}{"version":1,"log":"cons`);
    expect(await readCheckpoints(checkpointFile)).toHaveLength(3);
    // The next checkpoint after the restart cuts the torn line off rather than joining it (the copy stays readable).
    const [first] = await readCheckpoints(checkpointFile);
    await appendCheckpoint(checkpointFile, first as LogCheckpoint);
    const after = await readCheckpoints(checkpointFile);
    expect(after).toHaveLength(4);
    expect(after[3]).toEqual(first);
    expect(readFileSync(checkpointFile, "utf8")).toBe(`${text}${JSON.stringify(first)}\n`);
    writeFileSync(checkpointFile, `not json\n${text}`);
    await expect(readCheckpoints(checkpointFile)).rejects.toThrow(/line 1 is not JSON/);
  });

  it("XC-01: an outside party's copy (a pretty-printed JSON file of one checkpoint) anchors the log even after the local copy is deleted", async () => {
    const external = join(dir, "regulator-copy.json");
    const [, second] = await readCheckpoints(checkpointFile);
    writeFileSync(external, JSON.stringify(second, null, 2));
    rmSync(checkpointFile);
    deleteFrom(path, 30);
    const { status, out } = runCli(path, "--checkpoints", external, "--public-key", signer.publicKey);
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, firstBrokenPosition: "30", reason: "LOG_TRUNCATED", anchoredPosition: "0" });
  });
});
