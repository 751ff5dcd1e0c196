import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { readOrCreateKeyFile, readOrCreateKeyFileBytes } from "@ihp/eventsourcing";

async function withFolder(run: (folder: string) => Promise<void>): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "ihp-keyfile-"));
  try {
    await run(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

describe("readOrCreateKeyFile", () => {
  it("creates a missing text key (file 0600, folder 0700) and reads it back afterwards without creating again", () =>
    withFolder(async (folder) => {
      const path = join(folder, "keys", "a.key");
      expect(await readOrCreateKeyFile(path, () => "first")).toBe("first");
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(folder, "keys"))).mode & 0o777).toBe(0o700);
      expect(await readOrCreateKeyFile(path, () => "second")).toBe("first");
      expect(await readdir(join(folder, "keys"))).toEqual(["a.key"]);
    }));

  it("keeps raw bytes as they are, and of two writers at once both end up with the first one's key", () =>
    withFolder(async (folder) => {
      const path = join(folder, "b.key");
      const bytes = Uint8Array.of(0, 255, 0xc3, 0x28, 10);
      const [first, second] = await Promise.all([
        readOrCreateKeyFileBytes(path, () => bytes),
        readOrCreateKeyFileBytes(path, () => Uint8Array.of(1, 2, 3)),
      ]);
      const stored = new Uint8Array(await readFile(path));
      expect(first).toEqual(stored);
      expect(second).toEqual(stored);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await readdir(folder)).toEqual(["b.key"]);
    }));

  it("reads an existing file as it is, never calling create", () =>
    withFolder(async (folder) => {
      const path = join(folder, "c.key");
      await writeFile(path, Uint8Array.of(7, 8, 9));
      const create = (): Uint8Array => {
        throw new Error("must not create");
      };
      expect(await readOrCreateKeyFileBytes(path, create)).toEqual(Uint8Array.of(7, 8, 9));
    }));
});
