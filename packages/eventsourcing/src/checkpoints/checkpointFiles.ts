import { type FileHandle, mkdir, open, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { readIfExists, readOrCreateKeyFile } from "../keyFile.js";
import { CheckpointSigner, type LogCheckpoint } from "./logCheckpoint.js";

/**
 * Opens the service's checkpoint key (PKCS#8 PEM), creating it on first use with mode 0600 in a 0700 folder
 * (`readOrCreateKeyFile`: a reader never sees half a key, and two processes racing to create it end up with the same
 * one). The public key is written beside it (`<file>.pub`, hex) for verifiers.
 */
export async function openCheckpointSigner(keyFile: string): Promise<CheckpointSigner> {
  const existing = await readIfExists(keyFile);
  if (existing !== undefined) return CheckpointSigner.fromPem(existing);
  const signer = CheckpointSigner.fromPem(await readOrCreateKeyFile(keyFile, () => CheckpointSigner.generate().toPem()));
  await writeFile(`${keyFile}.pub`, `${signer.publicKey}\n`, { mode: 0o644 });
  return signer;
}

/**
 * The local, append-only copy of a service's checkpoints: JSON Lines, one signed checkpoint a line, fsynced before
 * the append resolves. The same format `ihp-verify-log --checkpoints` reads from an outside party's copy.
 *
 * A line a crash cut short (the file does not end with a newline) is cut off first: it was never acknowledged, and a
 * new line written after it would join it into one line that is not JSON, which readCheckpoints refuses — the
 * service could then not start again.
 */
export async function appendCheckpoint(file: string, checkpoint: LogCheckpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, "a+", 0o644);
  try {
    const { size } = await handle.stat();
    const complete = await endOfLastLine(handle, size);
    if (complete < size) await handle.truncate(complete);
    await handle.write(`${JSON.stringify(checkpoint)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The length of the file up to and including its last newline (0 when it has none). */
async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}

/**
 * Reads checkpoints from a file: JSON Lines, a JSON array, or one JSON object. Values are returned unchecked (the
 * verifier checks each signature). A last line without its newline is a write cut short by a crash and is skipped;
 * any other line that is not JSON throws. A missing file reads as none.
 */
export async function readCheckpoints(file: string): Promise<unknown[]> {
  const text = await readIfExists(file);
  if (text === undefined) return [];
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as unknown[];
  // One JSON object, perhaps pretty-printed over several lines (an outside party's saved copy).
  if (trimmed.startsWith("{")) {
    try {
      return [JSON.parse(trimmed) as unknown];
    } catch {
      // Not one object: JSON Lines, read below.
    }
  }
  const lines = text.split("\n");
  const torn = !text.endsWith("\n") ? lines.pop() : undefined;
  const values: unknown[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new Error(`${file}: line ${index + 1} is not JSON`, { cause: error });
    }
  });
  if (torn !== undefined && torn.trim() !== "") {
    try {
      values.push(JSON.parse(torn) as unknown);
    } catch {
      // A crash mid-append: the line was never acknowledged.
    }
  }
  return values;
}
