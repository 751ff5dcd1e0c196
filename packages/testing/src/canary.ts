import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";

/**
 * Canary check (issue 10): which files under `dir` (recursively: event stores, their -wal/-shm files, read models,
 * key stores, checkpoint copies) contain any of `needles` in clear, as UTF-8 bytes. Returns "path: needle" lines;
 * an empty list means none did.
 */
export async function filesContaining(dir: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    for (const needle of needles) if (bytes.includes(Buffer.from(needle, "utf8"))) found.push(`${relative(dir, path)}: ${needle}`);
  }
  return found;
}
