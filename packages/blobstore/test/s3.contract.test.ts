import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3BlobStore, s3ClientFor } from "../src/s3/index.js";
import { blobStoreContract } from "./support/blobStoreContract.js";
import { startTestS3 as startS3 } from "./support/s3Server.js";

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
