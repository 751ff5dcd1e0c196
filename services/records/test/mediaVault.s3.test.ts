import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { uuidv7, type EventMetadata } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createKeyRing, openKeyFileCustody, sealedEventStore } from "@ihp/keyring";
import { openSqliteDataKeyStore } from "@ihp/keyring/sqlite";
import { loadConfig } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3, type TestS3 } from "../../../packages/blobstore/test/support/s3Server.js";
import { openMediaBlobStore } from "../src/application/mediaStore.js";
import { createMediaVault } from "../src/application/mediaVault.js";
import { RECORDS_SEALING } from "../src/application/sealing.js";
import { recordsConfigSchema } from "../src/config.js";

// The media vault over an S3-compatible store (s3rver, a real S3-protocol server), configured as the service would be
// from RECORDS_S3_*: the bucket receives ciphertext only, a read opens and checks it, destruction deletes the object
// after its retention. s3rver has no object lock: the default "object-lock" mode refuses to start against it (the
// retention is then only this service's, "metadata" mode — said in the README).

const BUCKET = "records-media";
const CHAT = "血糖控制良好，继续二甲双胍";
let s3: TestS3;
let folder: string;
let now = new Date("2026-12-06T02:30:00.000Z");
const metadata = (): EventMetadata => ({ actorId: "svc:records", actorRole: "records", tenantId: "hosp-1", correlationId: "c-1", causationId: "c-1", occurredAt: now.toISOString() });

const config = (extra: Record<string, string>) =>
  loadConfig(recordsConfigSchema, { SERVICE_NAME: "records", DATA_DIR: ":memory:", RECORDS_S3_BUCKET: BUCKET, RECORDS_S3_ENDPOINT: s3.endpoint, RECORDS_S3_ACCESS_KEY_ID: "S3RVER", RECORDS_S3_SECRET_ACCESS_KEY: "S3RVER", ...extra });

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  folder = await mkdtemp(join(tmpdir(), "records-vault-s3-"));
  await mkdir(join(folder, "data"));
});

afterAll(async () => {
  await s3?.stop();
  await rm(folder, { recursive: true, force: true });
});

async function objects(): Promise<Buffer[]> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const bodies: Buffer[] = [];
  for (const { Key } of listed.Contents ?? []) {
    const body = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    bodies.push(Buffer.from(await body.Body!.transformToByteArray()));
  }
  return bodies;
}

describe("media vault on S3 (REC-01, REC-03)", () => {
  it("REC-03: RECORDS_S3_* with the default object-lock retention refuses a server without object lock (s3rver): BLOB_RETENTION_UNSUPPORTED", async () => {
    await expect(openMediaBlobStore(config({}), () => now)).rejects.toMatchObject({ code: "BLOB_RETENTION_UNSUPPORTED" });
  });

  it("REC-01, REC-03: the bucket holds ciphertext only; the item opens hash-checked; destruction after retention deletes the object and the key", async () => {
    const { blobs, close } = await openMediaBlobStore(config({ RECORDS_S3_RETENTION: "metadata" }), () => now);
    const custody = await openKeyFileCustody({ path: join(folder, "config", "master.json"), dataDir: join(folder, "data") });
    const keys = openSqliteDataKeyStore(join(folder, "data", "keys.sqlite"));
    const ring = createKeyRing({ custody, store: keys });
    const raw = SqliteEventStore.open({ path: join(folder, "data", "records-events.sqlite") });
    const log = sealedEventStore(raw, { ring, keys, policy: RECORDS_SEALING, fenceTtlMs: 0 });
    try {
      const vault = createMediaVault({ ring, blobs, log, newEventId: uuidv7 });
      const content = Buffer.from(CHAT, "utf8");
      const media = await vault.seal(
        { documentId: "doc-1", patientId: "patient-1", consultId: "consult-1", mediaId: "transcript-consult-1", kind: "TRANSCRIPT", contentType: "application/x-ndjson", content, consultEndedAt: now.toISOString(), retainUntil: new Date("2029-12-06T23:59:59+08:00") },
        metadata(),
      );
      expect(media.sha256).toBe(createHash("sha256").update(content).digest("hex"));
      const stored = await objects();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.includes(content)).toBe(false);
      expect(createHash("sha256").update(stored[0]!).digest("hex")).not.toBe(media.sha256);

      expect(await vault.open("doc-1", "patient-1", media)).toEqual({ content });
      // Bound to its record and media id: the same blob does not open as another item.
      await expect(vault.open("doc-2", "patient-1", media)).rejects.toMatchObject({ code: "MEDIA_INTEGRITY_FAILED" });

      // Before its retention ends the store itself refuses the delete (second line behind the domain's REC-03 check).
      await expect(vault.destroy("doc-1", "patient-1", media.mediaId, { approvalRef: "approval-1", metadata: metadata(), eventId: uuidv7() })).resolves.toBeUndefined();
      expect(await objects()).toHaveLength(1);
      await expect(vault.open("doc-1", "patient-1", media)).rejects.toMatchObject({ code: "MEDIA_ERASED" });

      now = new Date("2029-12-07T00:30:00+08:00");
      await vault.destroy("doc-1", "patient-1", media.mediaId, { approvalRef: "approval-1", metadata: metadata(), eventId: uuidv7() });
      expect(await objects()).toHaveLength(0);
      expect((await log.verify()).ok).toBe(true);
    } finally {
      await log.close();
      await keys.close();
      await custody.close();
      await close();
    }
  });
});
