import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, unlink } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Reads a private key file, or creates it (mode 0600, folder 0700) with `create()` when it does not exist; returns
 * the key that is in the file. Safe between processes on a shared folder (replicas on one network volume): the key
 * is written to a private temporary file beside it and fsynced, then published under its name with `link`, which
 * never replaces an existing file. So a reader sees no file or the whole key, a process that dies midway leaves only
 * its temporary file (which blocks nothing), and of two processes creating it at once the second adopts the first
 * one's key (EEXIST).
 */
export async function readOrCreateKeyFile(path: string, create: () => string): Promise<string> {
  return readOrCreate(path, create, readIfExists);
}

/**
 * `readOrCreateKeyFile` for a key held as raw bytes (no text encoding): the file's bytes, or `create()`'s bytes
 * once they are in the file. Same modes, same write-aside-fsync-link, same adoption of a racing writer's key.
 */
export async function readOrCreateKeyFileBytes(path: string, create: () => Uint8Array): Promise<Uint8Array> {
  return readOrCreate(path, create, readBytesIfExists);
}

async function readOrCreate<T extends string | Uint8Array>(path: string, create: () => T, read: (path: string) => Promise<T | undefined>): Promise<T> {
  const existing = await read(path);
  if (existing !== undefined) return existing;
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const content = create();
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx", 0o600);
  try {
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "EEXIST") throw error;
    const winner = await read(path);
    if (winner === undefined) throw error;
    return winner;
  } finally {
    await unlink(temporary);
  }
  // The new name must survive a crash too: a key that signed something and then vanished could not be verified.
  const directory = await open(folder, "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return content;
}

/** A file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw error;
  }
}

/** A file's bytes, or undefined when it does not exist. */
async function readBytesIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw error;
  }
}
