import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Reads the secret file, or creates it (mode 0600) with `create()`'s bytes when it does not exist. The content is
 * written to a private temporary file first and then hard-linked into place, so no reader ever sees a partial
 * file; when two processes race to create it, the loser reads the winner's file.
 */
export async function readOrCreateSecretFile(path: string, create: () => Uint8Array): Promise<Uint8Array> {
  const existing = await readIfExists(path);
  if (existing !== undefined) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const content = create();
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, content, { flag: "wx", mode: 0o600 });
  try {
    await link(temporary, path);
    return content;
  } catch (error) {
    if (!isCode(error, "EEXIST")) throw error;
    const winner = await readIfExists(path);
    if (winner === undefined) throw error;
    return winner;
  } finally {
    await unlink(temporary);
  }
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
