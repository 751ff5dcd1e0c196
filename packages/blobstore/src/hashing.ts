import { createHash, type Hash } from "node:crypto";
import { BlobStoreError } from "./errors.js";

const KEY = /^[0-9a-f]{64}$/;

/** Refuses anything but 64 lower-case hex digits: a key is also a file name or object key, so no path tricks. */
export function checkKey(sha256: string): string {
  if (typeof sha256 !== "string" || !KEY.test(sha256)) {
    throw new BlobStoreError("INVALID_BLOB_KEY", "A blob key is a SHA-256 in 64 lower-case hex digits.");
  }
  return sha256;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Chunks of any content, so adapters handle bytes and streams in one loop. */
export async function* chunksOf(content: Uint8Array | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (content instanceof Uint8Array) {
    yield content;
    return;
  }
  for await (const chunk of content) {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError("A blob stream must yield bytes (Uint8Array/Buffer), not strings or objects.");
    }
    yield chunk;
  }
}

/** Counts and hashes chunks as they pass; `maxBytes` stops an oversized upload early. */
export class HashingCounter {
  private readonly hash: Hash = createHash("sha256");
  bytes = 0;
  constructor(private readonly maxBytes: number) {}

  add(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.maxBytes) {
      throw new BlobStoreError("BLOB_TOO_LARGE", `The blob exceeds the store's limit of ${this.maxBytes} bytes.`);
    }
    this.hash.update(chunk);
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

export function corrupted(sha256: string, where: string): BlobStoreError {
  return new BlobStoreError("BLOB_CORRUPTED", `Blob ${sha256} in ${where} does not match its hash: altered or damaged.`);
}

/** Passes chunks through and throws BLOB_CORRUPTED after the last one if their hash is not the key. */
export async function* verifiedChunks(sha256: string, chunks: AsyncIterable<Uint8Array>, where: string): AsyncIterable<Uint8Array> {
  const counter = new HashingCounter(Number.POSITIVE_INFINITY);
  for await (const chunk of chunks) {
    counter.add(chunk);
    yield chunk;
  }
  if (counter.digest() !== sha256) throw corrupted(sha256, where);
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The later of two retentions (re-putting the same bytes never shortens one). */
export function laterOf(a: Date | null, b: Date | null | undefined): Date | null {
  if (!b) return a;
  if (!a) return b;
  return a.getTime() >= b.getTime() ? a : b;
}

export function retentionActive(retainUntil: Date | null, now: Date, sha256: string): BlobStoreError | null {
  if (retainUntil === null || now.getTime() >= retainUntil.getTime()) return null;
  return new BlobStoreError(
    "BLOB_RETENTION_ACTIVE",
    `Blob ${sha256} is under retention until ${retainUntil.toISOString()}; it cannot be destroyed before then.`,
  );
}
