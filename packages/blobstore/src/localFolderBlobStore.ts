import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { BlobStoreError } from "./errors.js";
import { checkKey, collect, laterOf, retentionActive, verifiedChunks } from "./hashing.js";
import { writeHashedFile } from "./hashedFile.js";
import { KeyedLock } from "./keyedLock.js";
import type { BlobContent, BlobStore, PutOptions, StoredBlob } from "./port.js";

export interface LocalFolderBlobStoreOptions {
  /** The folder of the store (created if missing). Blobs live in objects/<first two hex digits>/<sha256>. */
  readonly root: string;
  /** The clock retention is judged by (injected in tests). */
  readonly now?: () => Date;
  /** Largest blob accepted, in bytes (default 4 GiB). */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

/**
 * The embedded blob store: one file per blob, named by its hash. A put streams into a temporary file in the same
 * folder tree, fsyncs it, renames it into place and fsyncs the folder, so a crash leaves either the whole blob or
 * none (a reader never sees half a file). Retention is kept beside the blob (<sha256>.retain) and enforced by
 * `delete`; nothing stops a user with file-system access, which is what the S3 adapter's object lock is for.
 */
export class LocalFolderBlobStore implements BlobStore {
  private readonly now: () => Date;
  private readonly maxBytes: number;
  private readonly lock = new KeyedLock();

  constructor(private readonly options: LocalFolderBlobStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  async put(content: BlobContent, options: PutOptions = {}): Promise<StoredBlob> {
    const tmpDir = join(this.options.root, "tmp");
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    try {
      const { sha256, bytes } = await writeHashedFile(content, tmp, this.maxBytes, true);
      const retainUntil = await this.lock.run(sha256, async () => {
        const folder = await this.folderOf(sha256, true);
        const path = join(folder, sha256);
        if (await exists(path)) await unlink(tmp); // written blobs are never rewritten
        else await rename(tmp, path);
        const kept = laterOf(await this.readRetention(sha256), options.retainUntil);
        if (kept !== null) await this.writeAtomically(join(folder, `${sha256}.retain`), kept.toISOString());
        await syncFolder(folder);
        return kept;
      });
      return { sha256, bytes, retainUntil };
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  }

  async get(sha256: string): Promise<Uint8Array> {
    return collect(this.read(sha256));
  }

  async *read(sha256: string): AsyncIterable<Uint8Array> {
    const handle = await this.openBlob(sha256);
    try {
      yield* verifiedChunks(sha256, handle.createReadStream({ autoClose: false }), "the local blob store");
    } finally {
      await handle.close();
    }
  }

  async verify(sha256: string): Promise<{ readonly sha256: string; readonly bytes: number }> {
    let bytes = 0;
    for await (const chunk of this.read(sha256)) bytes += chunk.byteLength;
    return { sha256, bytes };
  }

  async exists(sha256: string): Promise<boolean> {
    return exists(join(await this.folderOf(checkKey(sha256), false), sha256));
  }

  async retention(sha256: string): Promise<Date | null> {
    if (!(await this.exists(sha256))) throw notFound(sha256);
    return this.readRetention(sha256);
  }

  async delete(sha256: string): Promise<boolean> {
    return await this.lock.run(checkKey(sha256), () => this.deleteNow(sha256));
  }

  private async deleteNow(sha256: string): Promise<boolean> {
    if (!(await this.exists(sha256))) return false;
    const refusal = retentionActive(await this.readRetention(sha256), this.now(), sha256);
    if (refusal) throw refusal;
    const folder = await this.folderOf(sha256, false);
    await unlink(join(folder, sha256));
    await unlink(join(folder, `${sha256}.retain`)).catch(ignoreMissing);
    await syncFolder(folder);
    return true;
  }

  private async openBlob(sha256: string): Promise<FileHandle> {
    const path = join(await this.folderOf(checkKey(sha256), false), sha256);
    try {
      return await open(path, "r");
    } catch (error) {
      if (isMissing(error)) throw notFound(sha256);
      throw error;
    }
  }

  private async readRetention(sha256: string): Promise<Date | null> {
    const folder = await this.folderOf(sha256, false);
    try {
      const text = (await readFile(join(folder, `${sha256}.retain`), "utf8")).trim();
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) throw new Error(`Unreadable retention file for blob ${sha256}.`);
      return date;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  private async writeAtomically(path: string, text: string): Promise<void> {
    const tmp = `${path}.${randomUUID()}.part`;
    const handle = await open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  }

  private async folderOf(sha256: string, create: boolean): Promise<string> {
    const folder = join(this.options.root, "objects", sha256.slice(0, 2));
    if (create) await mkdir(folder, { recursive: true, mode: 0o700 });
    return folder;
  }
}

function notFound(sha256: string): BlobStoreError {
  return new BlobStoreError("BLOB_NOT_FOUND", `No blob ${sha256} in the store.`);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}
