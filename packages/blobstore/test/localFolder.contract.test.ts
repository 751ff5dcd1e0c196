import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BlobStoreError, LocalFolderBlobStore, sha256Hex } from "../src/index.js";
import { blobStoreContract, failingAfter } from "./support/blobStoreContract.js";

const folders: string[] = [];
async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "ihp-blobs-"));
  folders.push(folder);
  return folder;
}
const pathOf = (root: string, sha256: string): string => join(root, "objects", sha256.slice(0, 2), sha256);

blobStoreContract("local folder", async () => {
  const root = await tempFolder();
  const clock = { now: new Date("2026-03-01T08:00:00+08:00") };
  return {
    store: new LocalFolderBlobStore({ root, now: () => clock.now }),
    clock,
    corrupt: (sha256, bytes) => writeFile(pathOf(root, sha256), bytes),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

describe("local folder blob store", () => {
  afterEach(async () => {
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it("REC-01: files are named by their hash and no temporary file is left, also after a failed stream", async () => {
    const root = await tempFolder();
    const store = new LocalFolderBlobStore({ root });
    const bytes = randomBytes(300);
    const { sha256 } = await store.put(bytes);
    expect(await readdir(join(root, "objects", sha256.slice(0, 2)))).toEqual([sha256]);
    await expect(store.put(failingAfter(bytes))).rejects.toThrow("client went away");
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("a blob over maxBytes is BLOB_TOO_LARGE and leaves nothing behind", async () => {
    const root = await tempFolder();
    const store = new LocalFolderBlobStore({ root, maxBytes: 1000 });
    await expect(store.put(randomBytes(1001))).rejects.toMatchObject({ code: "BLOB_TOO_LARGE" });
    expect(await readdir(join(root, "tmp"))).toEqual([]);
    expect((await store.put(randomBytes(1000))).bytes).toBe(1000);
  });

  it("errors name the key, never the content", async () => {
    const root = await tempFolder();
    const store = new LocalFolderBlobStore({ root });
    const secret = Buffer.from("患者张三 HIV 阳性");
    const { sha256 } = await store.put(secret);
    await writeFile(pathOf(root, sha256), Buffer.from("患者张三 HIV 阴性"));
    const error = await store.get(sha256).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobStoreError);
    expect((error as Error).message).toContain(sha256);
    expect((error as Error).message).not.toMatch(/张三|HIV/);
    expect(sha256Hex(secret)).toBe(sha256);
  });
});
