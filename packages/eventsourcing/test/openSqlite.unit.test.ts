import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteFile, PAGE_CACHE_KIB } from "../src/sqlite/index.js";

const dir = mkdtempSync(join(tmpdir(), "ihp-open-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openSqliteFile: how every SQLite store of the platform is opened", () => {
  it("WAL, the durability asked for, the lock wait, and a page cache bounded at PAGE_CACHE_KIB (issue 15: memory)", () => {
    const full = openSqliteFile(join(dir, "full.sqlite"), { synchronous: "FULL", busyTimeoutMs: 10_000 });
    const normal = openSqliteFile(join(dir, "normal.sqlite"), { synchronous: "NORMAL", busyTimeoutMs: 5_000 });
    try {
      expect(full.pragma("journal_mode", { simple: true })).toBe("wal");
      // SQLite's numbers: FULL = 2, NORMAL = 1.
      expect([full.pragma("synchronous", { simple: true }), normal.pragma("synchronous", { simple: true })]).toEqual([2, 1]);
      expect([full.pragma("busy_timeout", { simple: true }), normal.pragma("busy_timeout", { simple: true })]).toEqual([10_000, 5_000]);
      // A negative cache_size is KiB; SQLite's own default is -2000.
      expect(full.pragma("cache_size", { simple: true })).toBe(-PAGE_CACHE_KIB);
      expect(PAGE_CACHE_KIB).toBeLessThan(2000);
    } finally {
      full.close();
      normal.close();
    }
  });

  it("a file that cannot be opened throws and leaves no connection behind", () => {
    expect(() => openSqliteFile(join(dir, "missing-folder", "x.sqlite"), { synchronous: "FULL", busyTimeoutMs: 1 })).toThrow();
  });
});
