import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3BlobStore, s3ClientFor } from "../src/s3/index.js";
import { blobStoreContract } from "./support/blobStoreContract.js";

/** A real S3-protocol server (s3rver) on a random loopback port with its data in a temporary folder. */
async function startS3(bucket: string): Promise<{ client: S3Client; stop(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), "ihp-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const client = s3ClientFor({
    endpoint: `http://127.0.0.1:${port}`,
    region: "cn-north-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
  });
  return {
    client,
    stop: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

blobStoreContract("S3 (s3rver, retention as metadata)", async () => {
  const s3 = await startS3("media");
  const clock = { now: new Date("2026-03-01T08:00:00+08:00") };
  const store = await S3BlobStore.open({ client: s3.client, bucket: "media", retention: "metadata", now: () => clock.now });
  return {
    store,
    clock,
    corrupt: async (sha256, bytes) => {
      await s3.client.send(
        new PutObjectCommand({ Bucket: "media", Key: `blobs/${sha256.slice(0, 2)}/${sha256}`, Body: bytes }),
      );
    },
    close: s3.stop,
  };
});

describe("S3 blob store against s3rver", () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  beforeAll(async () => {
    s3 = await startS3("media");
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("REC-03: object-lock mode refuses to open on a server without object lock (BLOB_RETENTION_UNSUPPORTED), never pretends", async () => {
    await expect(S3BlobStore.open({ client: s3.client, bucket: "media", retention: "object-lock" })).rejects.toMatchObject({
      code: "BLOB_RETENTION_UNSUPPORTED",
    });
  });

  it("a missing bucket and an unreachable server are BLOB_STORE_UNAVAILABLE", async () => {
    await expect(S3BlobStore.open({ client: s3.client, bucket: "nope", retention: "metadata" })).rejects.toMatchObject({
      code: "BLOB_STORE_UNAVAILABLE",
    });
    const dead = s3ClientFor({ endpoint: "http://127.0.0.1:9", region: "cn-north-1", accessKeyId: "x", secretAccessKey: "y" });
    await expect(S3BlobStore.open({ client: dead, bucket: "media", retention: "metadata" })).rejects.toMatchObject({
      code: "BLOB_STORE_UNAVAILABLE",
    });
    dead.destroy();
  });
});
