import { open } from "node:fs/promises";
import { HashingCounter, chunksOf } from "./hashing.js";
import type { BlobContent } from "./port.js";

/**
 * Writes content to a new private file (mode 600, never an existing one) while hashing and counting it; `sync`
 * fsyncs before closing. The caller removes the file if this throws (a failed stream, BLOB_TOO_LARGE).
 */
export async function writeHashedFile(content: BlobContent, path: string, maxBytes: number, sync: boolean): Promise<{ sha256: string; bytes: number }> {
  const counter = new HashingCounter(maxBytes);
  const handle = await open(path, "wx", 0o600);
  try {
    for await (const chunk of chunksOf(content)) {
      counter.add(chunk);
      await handle.write(chunk);
    }
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: counter.digest(), bytes: counter.bytes };
}
