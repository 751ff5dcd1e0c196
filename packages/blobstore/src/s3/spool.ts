import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { writeHashedFile } from "../hashedFile.js";
import { HashingCounter } from "../hashing.js";
import type { BlobContent } from "../port.js";

/** Content whose hash is known before the upload starts (the key is the hash), with a way to send it. */
export interface Spooled {
  readonly sha256: string;
  readonly bytes: number;
  body(): Uint8Array | Readable;
  dispose(): Promise<void>;
}

/**
 * Bytes are hashed in place; a stream is written to a private temporary folder while it is hashed, so large media
 * never sit in memory and the object key is known before the first byte is sent.
 */
export async function spool(content: BlobContent, maxBytes: number, spoolDir: string | undefined): Promise<Spooled> {
  if (content instanceof Uint8Array) {
    const counter = new HashingCounter(maxBytes);
    counter.add(content);
    return { sha256: counter.digest(), bytes: counter.bytes, body: () => content, dispose: () => Promise.resolve() };
  }
  const folder = await mkdtemp(join(spoolDir ?? tmpdir(), "ihp-blob-"));
  const path = join(folder, "spool");
  let written: { sha256: string; bytes: number };
  try {
    written = await writeHashedFile(content, path, maxBytes, false);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    ...written,
    body: () => createReadStream(path),
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}
