/**
 * The blob store port (REC-01, REC-03): media of a consult (chat transcripts, images, audio, video) kept as bytes
 * addressed by their SHA-256. The key is the content's hash, so the same bytes are stored once, a record links them
 * by hash, and every read checks the bytes against the key: a changed file is an error, never silently served.
 */

/** What a put accepts: bytes, or chunks from a stream (a Node Readable is an AsyncIterable of Buffers). */
export type BlobContent = Uint8Array | AsyncIterable<Uint8Array>;

export interface PutOptions {
  /**
   * Keep the blob at least until this instant (REC-03: 3 years from consult end). `delete` refuses before it; an
   * adapter that can make the backend enforce it (S3 object lock) does so. Putting the same bytes again with a later
   * instant extends the retention, an earlier one never shortens it.
   */
  readonly retainUntil?: Date;
}

export interface StoredBlob {
  /** SHA-256 of the bytes, lower-case hex: the key. */
  readonly sha256: string;
  readonly bytes: number;
  /** The retention in force after the put (the later of the stored one and the requested one), or null. */
  readonly retainUntil: Date | null;
}

export interface BlobStore {
  /** Stores the bytes under their SHA-256; idempotent (same bytes → same key, nothing rewritten). */
  put(content: BlobContent, options?: PutOptions): Promise<StoredBlob>;
  /** The bytes of a blob, checked against its key: BLOB_NOT_FOUND, BLOB_CORRUPTED. */
  get(sha256: string): Promise<Uint8Array>;
  /**
   * The bytes as chunks for large media. The hash is checked as the chunks pass: the iteration throws
   * BLOB_CORRUPTED after the last chunk if they do not match, so a consumer must not commit what it read until the
   * iteration ends without error.
   */
  read(sha256: string): AsyncIterable<Uint8Array>;
  /** Reads the whole blob and checks its hash without keeping it (custody transfer, audits): size and key. */
  verify(sha256: string): Promise<{ readonly sha256: string; readonly bytes: number }>;
  exists(sha256: string): Promise<boolean>;
  /** The retention stored with a blob, or null (BLOB_NOT_FOUND if there is no such blob). */
  retention(sha256: string): Promise<Date | null>;
  /**
   * Destroys a blob (approved destruction, REC-03). Refused with BLOB_RETENTION_ACTIVE while its retention runs.
   * Returns false when there was nothing to delete, so a destruction that was interrupted can be repeated.
   */
  delete(sha256: string): Promise<boolean>;
}
