import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobStoreError, type BlobStore } from "../../src/index.js";

/** One adapter under test: the store, a clock the test moves, and a way to damage a stored blob behind its back. */
export interface BlobStoreFixture {
  readonly store: BlobStore;
  readonly clock: { now: Date };
  /** Replaces the stored bytes of a blob (bit rot, tampering) without going through the store. */
  corrupt(sha256: string, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

const DAY = 86_400_000;
const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BlobStoreError) return error.code;
    throw error;
  }
  return "no error";
}

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) bytes += chunk.byteLength;
  return bytes;
}

function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

/** A stream that yields some bytes, then fails like a dropped upload. */
export async function* failingAfter(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield await Promise.resolve(bytes);
  throw new Error("client went away");
}

/** The behaviour every adapter owes the records service (REC-01, REC-03). */
export function blobStoreContract(name: string, setUp: () => Promise<BlobStoreFixture>): void {
  describe(`${name} blob store contract`, () => {
    let fixture: BlobStoreFixture;
    beforeAll(async () => {
      fixture = await setUp();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it("REC-01: put returns the SHA-256 of the bytes as the key and their size; get returns the same bytes", async () => {
      const bytes = randomBytes(1000);
      const stored = await fixture.store.put(bytes);
      expect(stored).toEqual({ sha256: sha(bytes), bytes: 1000, retainUntil: null });
      expect(Buffer.from(await fixture.store.get(stored.sha256)).equals(bytes)).toBe(true);
      expect(await fixture.store.exists(stored.sha256)).toBe(true);
    });

    it("REC-01: a stream in many chunks gets the same key as the bytes at once; read streams it back verified", async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const stored = await fixture.store.put(chunked(bytes, 64 * 1024));
      expect(stored.sha256).toBe(sha(bytes));
      expect(stored.bytes).toBe(bytes.length);
      expect(await drain(fixture.store.read(stored.sha256))).toBe(bytes.length);
      expect(await fixture.store.verify(stored.sha256)).toEqual({ sha256: sha(bytes), bytes: bytes.length });
    });

    it("REC-01: the same bytes twice are one blob; an empty blob is a blob", async () => {
      const bytes = Buffer.from("会诊记录 transcript");
      const first = await fixture.store.put(bytes);
      const second = await fixture.store.put(chunked(bytes, 3));
      expect(second).toEqual(first);
      const empty = await fixture.store.put(new Uint8Array(0));
      expect(empty.sha256).toBe(sha(new Uint8Array(0)));
      expect((await fixture.store.get(empty.sha256)).byteLength).toBe(0);
    });

    it("REC-03: a missing blob is BLOB_NOT_FOUND on get, read, verify and retention; exists is false; delete says false", async () => {
      const missing = sha(randomBytes(8));
      expect(await fixture.store.exists(missing)).toBe(false);
      expect(await codeOf(fixture.store.get(missing))).toBe("BLOB_NOT_FOUND");
      expect(await codeOf(drain(fixture.store.read(missing)))).toBe("BLOB_NOT_FOUND");
      expect(await codeOf(fixture.store.verify(missing))).toBe("BLOB_NOT_FOUND");
      expect(await codeOf(fixture.store.retention(missing))).toBe("BLOB_NOT_FOUND");
      expect(await fixture.store.delete(missing)).toBe(false);
    });

    it("a key that is not 64 lower-case hex digits is INVALID_BLOB_KEY (no path tricks)", async () => {
      for (const key of ["../../etc/passwd", "A".repeat(64), "ab", `${"a".repeat(63)}/`]) {
        expect(await codeOf(fixture.store.get(key)), key).toBe("INVALID_BLOB_KEY");
        expect(await codeOf(fixture.store.exists(key)), key).toBe("INVALID_BLOB_KEY");
        expect(await codeOf(fixture.store.delete(key)), key).toBe("INVALID_BLOB_KEY");
      }
    });

    it("REC-03: a corrupted blob is detected on get, read (after the last chunk) and verify: BLOB_CORRUPTED", async () => {
      const bytes = randomBytes(4096);
      const { sha256 } = await fixture.store.put(bytes);
      const damaged = Buffer.from(bytes);
      damaged[100] = damaged[100]! ^ 0x01;
      await fixture.corrupt(sha256, damaged);
      expect(await codeOf(fixture.store.get(sha256))).toBe("BLOB_CORRUPTED");
      expect(await codeOf(drain(fixture.store.read(sha256)))).toBe("BLOB_CORRUPTED");
      expect(await codeOf(fixture.store.verify(sha256))).toBe("BLOB_CORRUPTED");
      await fixture.corrupt(sha256, bytes.subarray(0, 4000)); // truncated
      expect(await codeOf(fixture.store.get(sha256))).toBe("BLOB_CORRUPTED");
    });

    it("REC-03: delete is refused while the retention runs (BLOB_RETENTION_ACTIVE) and destroys the blob once it has passed", async () => {
      const bytes = randomBytes(2048);
      const retainUntil = new Date(fixture.clock.now.getTime() + 3 * 365 * DAY);
      const stored = await fixture.store.put(bytes, { retainUntil });
      expect(stored.retainUntil?.toISOString()).toBe(retainUntil.toISOString());
      expect((await fixture.store.retention(stored.sha256))?.toISOString()).toBe(retainUntil.toISOString());

      fixture.clock.now = new Date(retainUntil.getTime() - 1);
      expect(await codeOf(fixture.store.delete(stored.sha256))).toBe("BLOB_RETENTION_ACTIVE");
      expect(await fixture.store.exists(stored.sha256)).toBe(true);

      fixture.clock.now = retainUntil;
      expect(await fixture.store.delete(stored.sha256)).toBe(true);
      expect(await fixture.store.exists(stored.sha256)).toBe(false);
      expect(await codeOf(fixture.store.get(stored.sha256))).toBe("BLOB_NOT_FOUND");
      expect(await fixture.store.delete(stored.sha256)).toBe(false);
    });

    it("REC-03: putting the same bytes again extends the retention, never shortens it", async () => {
      const bytes = randomBytes(512);
      const base = fixture.clock.now.getTime();
      const early = new Date(base + 365 * DAY);
      const late = new Date(base + 3 * 365 * DAY);
      await fixture.store.put(bytes, { retainUntil: early });
      expect((await fixture.store.put(bytes, { retainUntil: late })).retainUntil?.toISOString()).toBe(late.toISOString());
      expect((await fixture.store.put(bytes, { retainUntil: early })).retainUntil?.toISOString()).toBe(late.toISOString());
      expect((await fixture.store.put(bytes)).retainUntil?.toISOString()).toBe(late.toISOString());
      expect((await fixture.store.retention(sha(bytes)))?.toISOString()).toBe(late.toISOString());
      fixture.clock.now = new Date(early.getTime() + DAY);
      expect(await codeOf(fixture.store.delete(sha(bytes)))).toBe("BLOB_RETENTION_ACTIVE");
      expect(Buffer.from(await fixture.store.get(sha(bytes))).equals(bytes)).toBe(true);
    });

    it("REC-03: many puts of the same bytes at once keep the latest retention and one blob", async () => {
      const bytes = randomBytes(256);
      const base = fixture.clock.now.getTime();
      const dates = Array.from({ length: 12 }, (_, index) => new Date(base + ((index * 7) % 12 + 1) * 100 * DAY));
      const latest = new Date(Math.max(...dates.map((date) => date.getTime())));
      const stored = await Promise.all(dates.map((retainUntil) => fixture.store.put(bytes, { retainUntil })));
      expect(new Set(stored.map((blob) => blob.sha256)).size).toBe(1);
      expect((await fixture.store.retention(sha(bytes)))?.toISOString()).toBe(latest.toISOString());
    });

    it("a stream that fails midway stores nothing", async () => {
      const bytes = randomBytes(1024);
      await expect(fixture.store.put(failingAfter(bytes.subarray(0, 512)))).rejects.toThrow("client went away");
      expect(await fixture.store.exists(sha(bytes.subarray(0, 512)))).toBe(false);
    });
  });
}
