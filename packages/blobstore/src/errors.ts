/**
 * Errors of the blob store. Messages name the blob key (a SHA-256, which reveals nothing about the content) and the
 * store's position (folder, bucket), never content. ERRORS.md lists every code (a test keeps the two in sync).
 */
export const BLOB_ERROR_CODES = [
  "INVALID_BLOB_KEY",
  "BLOB_NOT_FOUND",
  "BLOB_CORRUPTED",
  "BLOB_TOO_LARGE",
  "BLOB_RETENTION_ACTIVE",
  "BLOB_RETENTION_UNSUPPORTED",
  "BLOB_STORE_UNAVAILABLE",
] as const;

export type BlobErrorCode = (typeof BLOB_ERROR_CODES)[number];

export class BlobStoreError extends Error {
  override readonly name = "BlobStoreError";
  constructor(
    readonly code: BlobErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isBlobStoreError(error: unknown, code?: BlobErrorCode): error is BlobStoreError {
  return error instanceof BlobStoreError && (code === undefined || error.code === code);
}
