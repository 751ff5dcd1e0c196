import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BlobStore, LocalFolderBlobStore } from "@ihp/blobstore";
import { ConfigError } from "@ihp/platform";
import type { RecordsConfig } from "../config.js";

/**
 * The blob store media go to (REC-01, REC-03), from the configuration: an S3-compatible bucket when
 * RECORDS_S3_BUCKET is set (object-lock retention by default: the bucket must have Object Lock enabled, else the
 * service refuses to start with BLOB_RETENTION_UNSUPPORTED); else the folder RECORDS_BLOB_DIR, by default
 * `<DATA_DIR>/records-blobs`. Either way the store receives ciphertext only (mediaVault.ts).
 */
export async function openMediaBlobStore(config: RecordsConfig, clock: () => Date): Promise<{ blobs: BlobStore; close: () => Promise<void> }> {
  if (config.RECORDS_S3_BUCKET !== undefined) {
    const missing = (["RECORDS_S3_ACCESS_KEY_ID", "RECORDS_S3_SECRET_ACCESS_KEY"] as const).filter((name) => config[name] === undefined);
    if (missing.length > 0) throw new ConfigError(missing.map((variable) => ({ variable, problem: "required with RECORDS_S3_BUCKET" })));
    const { S3BlobStore, s3ClientFor } = await import("@ihp/blobstore/s3");
    const client = s3ClientFor({
      ...(config.RECORDS_S3_ENDPOINT === undefined ? {} : { endpoint: config.RECORDS_S3_ENDPOINT }),
      region: config.RECORDS_S3_REGION,
      accessKeyId: config.RECORDS_S3_ACCESS_KEY_ID ?? "",
      secretAccessKey: config.RECORDS_S3_SECRET_ACCESS_KEY ?? "",
    });
    try {
      const blobs = await S3BlobStore.open({ client, bucket: config.RECORDS_S3_BUCKET, prefix: config.RECORDS_S3_PREFIX, retention: config.RECORDS_S3_RETENTION, now: clock });
      return { blobs, close: () => Promise.resolve(client.destroy()) };
    } catch (error) {
      client.destroy();
      throw error;
    }
  }
  if (config.RECORDS_BLOB_DIR !== undefined) return { blobs: new LocalFolderBlobStore({ root: config.RECORDS_BLOB_DIR, now: clock }), close: () => Promise.resolve() };
  if (config.DATA_DIR !== ":memory:") return { blobs: new LocalFolderBlobStore({ root: join(config.DATA_DIR, "records-blobs"), now: clock }), close: () => Promise.resolve() };
  // A service without a data folder keeps its media as long as it runs, like its log.
  const root = await mkdtemp(join(tmpdir(), "ihp-records-blobs-"));
  return { blobs: new LocalFolderBlobStore({ root, now: clock }), close: () => rm(root, { recursive: true, force: true }) };
}
