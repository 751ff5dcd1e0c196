import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";

const folder = mkdtempSync(join(tmpdir(), "ihp-data-key-writes-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("SQLite data keys: writes off the event loop (issue 15 item 4)", () => {
  it("a new key is written on the writer thread: while its commit waits for the file's lock, this thread keeps running", async () => {
    const path = join(folder, "keys.sqlite");
    const keys = openSqliteDataKeyStore(path);
    // Another connection holds the write lock for 200 ms. A write on this thread would block the event loop in
    // SQLite's busy wait, so the timer that releases the lock could never fire (and the write would fail busy).
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    let released = false;
    const timer = setTimeout(() => {
      other.exec("ROLLBACK");
      released = true;
    }, 200);
    try {
      const ref = { subject: "patient-1", retentionClass: "clinical-30y" };
      const stored = await keys.createIfAbsent(ref, { masterKeyId: "master-1", bytes: new Uint8Array([1, 2, 3]) });
      expect(released).toBe(true);
      expect(stored).toEqual({ state: "live", wrapped: { masterKeyId: "master-1", bytes: new Uint8Array([1, 2, 3]) } });
      expect(await keys.get(ref)).toEqual(stored);
      // The first writer wins; a destroy leaves a tombstone, both through the writer thread.
      expect(await keys.createIfAbsent(ref, { masterKeyId: "master-2", bytes: new Uint8Array([9]) })).toEqual(stored);
      await keys.destroy(ref);
      expect(await keys.get(ref)).toEqual({ state: "destroyed" });
    } finally {
      clearTimeout(timer);
      other.close();
      await keys.close();
    }
  });

  it("refuses \":memory:\", which the writer thread's connection could not see", () => {
    expect(() => openSqliteDataKeyStore(":memory:")).toThrow(/needs a file/);
  });
});
