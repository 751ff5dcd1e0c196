export { BLOB_ERROR_CODES, BlobStoreError, isBlobStoreError, type BlobErrorCode } from "./errors.js";
export type { BlobContent, BlobStore, PutOptions, StoredBlob } from "./port.js";
export { checkKey, sha256Hex } from "./hashing.js";
export { LocalFolderBlobStore, type LocalFolderBlobStoreOptions } from "./localFolderBlobStore.js";
