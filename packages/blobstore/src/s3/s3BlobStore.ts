import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { BlobStoreError } from "../errors.js";
import { checkKey, collect, laterOf, retentionActive, verifiedChunks } from "../hashing.js";
import type { BlobContent, BlobStore, PutOptions, StoredBlob } from "../port.js";
import { KeyedLock } from "../keyedLock.js";
import { spool } from "./spool.js";

/**
 * How retention reaches the server. "object-lock": the bucket must have S3 Object Lock enabled (checked at open);
 * each object gets a COMPLIANCE (or GOVERNANCE) retain-until date the server enforces against everyone. "metadata":
 * the date is stored as object metadata and only this adapter's `delete` honours it (for servers without object
 * lock, e.g. the s3rver test server).
 */
export type S3RetentionMode = "object-lock" | "metadata";

export interface S3BlobStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket (default "blobs/"); objects are <prefix><aa>/<sha256>. */
  readonly prefix?: string;
  readonly retention: S3RetentionMode;
  readonly objectLockMode?: "COMPLIANCE" | "GOVERNANCE";
  readonly now?: () => Date;
  readonly maxBytes?: number;
  /** Where streamed uploads are spooled while their hash is computed (default: the OS temporary folder). */
  readonly spoolDir?: string;
}

const RETAIN_META = "retain-until";

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly now: () => Date;
  private readonly lock = new KeyedLock();

  /** Checks the bucket answers and, for "object-lock", that the bucket has object lock enabled. */
  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    const store = new S3BlobStore(options);
    const bucket = await store.call("open the bucket", () => options.client.send(new HeadBucketCommand({ Bucket: options.bucket })));
    if (bucket === null) throw new BlobStoreError("BLOB_STORE_UNAVAILABLE", `Bucket ${options.bucket} does not exist.`);
    if (options.retention === "object-lock") await store.requireObjectLock();
    return store;
  }

  private constructor(private readonly options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "blobs/";
    this.now = options.now ?? (() => new Date());
  }

  async put(content: BlobContent, options: PutOptions = {}): Promise<StoredBlob> {
    const spooled = await spool(content, this.options.maxBytes ?? 4 * 1024 ** 3, this.options.spoolDir);
    try {
      const { sha256, bytes } = spooled;
      return await this.lock.run(sha256, async () => {
        const head = await this.head(sha256);
        if (head !== null) {
          const stored = this.retentionOf(head);
          const wanted = laterOf(stored, options.retainUntil);
          if (wanted !== stored) await this.extendRetention(sha256, head, wanted!);
          return { sha256, bytes, retainUntil: wanted };
        }
        const retainUntil = options.retainUntil ?? null;
        const withLock = this.options.retention === "object-lock" && retainUntil !== null;
        await this.call(`store blob ${sha256}`, () =>
          this.client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: this.keyOf(sha256),
              Body: spooled.body(),
              ContentLength: bytes,
              ContentType: "application/octet-stream",
              ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64"),
              Metadata: retainUntil === null ? {} : { [RETAIN_META]: retainUntil.toISOString() },
              ...(withLock ? { ObjectLockMode: this.options.objectLockMode ?? "COMPLIANCE", ObjectLockRetainUntilDate: retainUntil } : {}),
            }),
          ),
        );
        return { sha256, bytes, retainUntil };
      });
    } finally {
      await spooled.dispose();
    }
  }

  async get(sha256: string): Promise<Uint8Array> {
    return collect(this.read(sha256));
  }

  async *read(sha256: string): AsyncIterable<Uint8Array> {
    checkKey(sha256);
    const output = await this.call(`read blob ${sha256}`, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) })),
    );
    if (output === null || output.Body === undefined) throw notFound(sha256);
    yield* verifiedChunks(sha256, output.Body as Readable, `bucket ${this.bucket}`);
  }

  async verify(sha256: string): Promise<{ readonly sha256: string; readonly bytes: number }> {
    let bytes = 0;
    for await (const chunk of this.read(sha256)) bytes += chunk.byteLength;
    return { sha256, bytes };
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.head(checkKey(sha256))) !== null;
  }

  async retention(sha256: string): Promise<Date | null> {
    const head = await this.head(checkKey(sha256));
    if (head === null) throw notFound(sha256);
    return this.retentionOf(head);
  }

  async delete(sha256: string): Promise<boolean> {
    return await this.lock.run(checkKey(sha256), () => this.deleteNow(sha256));
  }

  private async deleteNow(sha256: string): Promise<boolean> {
    const head = await this.head(sha256);
    if (head === null) return false;
    const refusal = retentionActive(this.retentionOf(head), this.now(), sha256);
    if (refusal) throw refusal;
    const Key = this.keyOf(sha256);
    if (this.options.retention === "metadata") {
      await this.call(`delete blob ${sha256}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
      return true;
    }
    // Object lock implies versioning: a plain delete only adds a delete marker. Destruction removes every version.
    const listing = await this.call(`list versions of blob ${sha256}`, () =>
      this.client.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: Key })),
    );
    const versions = [...(listing?.Versions ?? []), ...(listing?.DeleteMarkers ?? [])].filter((version) => version.Key === Key);
    for (const version of versions) {
      await this.call(`delete blob ${sha256}`, () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key, VersionId: version.VersionId })),
      );
    }
    return true;
  }

  private async extendRetention(sha256: string, head: HeadObjectCommandOutput, retainUntil: Date): Promise<void> {
    const Key = this.keyOf(sha256);
    if (this.options.retention === "object-lock") {
      await this.call(`extend the retention of blob ${sha256}`, () =>
        this.client.send(
          new PutObjectRetentionCommand({
            Bucket: this.bucket,
            Key,
            Retention: { Mode: this.options.objectLockMode ?? "COMPLIANCE", RetainUntilDate: retainUntil },
          }),
        ),
      );
      return;
    }
    await this.call(`extend the retention of blob ${sha256}`, () =>
      this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key,
          CopySource: `${this.bucket}/${Key}`,
          MetadataDirective: "REPLACE",
          ContentType: head.ContentType ?? "application/octet-stream",
          Metadata: { ...head.Metadata, [RETAIN_META]: retainUntil.toISOString() },
        }),
      ),
    );
  }

  private retentionOf(head: HeadObjectCommandOutput): Date | null {
    const fromMeta = head.Metadata?.[RETAIN_META];
    const meta = fromMeta === undefined ? null : new Date(fromMeta);
    return laterOf(meta !== null && !Number.isNaN(meta.getTime()) ? meta : null, head.ObjectLockRetainUntilDate ?? null);
  }

  private async head(sha256: string): Promise<HeadObjectCommandOutput | null> {
    return this.call(`look up blob ${sha256}`, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) })),
    );
  }

  private async requireObjectLock(): Promise<void> {
    let enabled = false;
    try {
      const output = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }));
      enabled = output.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled";
    } catch (error) {
      if (!isServiceAnswer(error)) throw unavailable(`check object lock on bucket ${this.bucket}`, error);
    }
    if (!enabled) {
      throw new BlobStoreError(
        "BLOB_RETENTION_UNSUPPORTED",
        `Bucket ${this.bucket} has no S3 object lock (or the server does not implement it); retention cannot be enforced by the server.`,
      );
    }
  }

  private keyOf(sha256: string): string {
    return `${this.prefix}${sha256.slice(0, 2)}/${sha256}`;
  }

  /** Runs one S3 call: a 404 is null (the caller decides what missing means), a transport failure is unavailable. */
  private async call<T>(what: string, send: () => Promise<T>): Promise<T | null> {
    try {
      return await send();
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw unavailable(what, error);
    }
  }
}

function notFound(sha256: string): BlobStoreError {
  return new BlobStoreError("BLOB_NOT_FOUND", `No blob ${sha256} in the store.`);
}

function unavailable(what: string, cause: unknown): BlobStoreError {
  const name = (cause as { name?: string } | null)?.name ?? "error";
  return new BlobStoreError("BLOB_STORE_UNAVAILABLE", `The S3 store could not ${what} (${name}).`, { cause });
}

function isServiceAnswer(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === "number";
}

function isMissingObject(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || (e?.$metadata?.httpStatusCode === 404 && e.name !== "NoSuchBucket");
}
