export { s3ClientFor, type S3Endpoint } from "./client.js";
export { S3BlobStore, type S3BlobStoreOptions, type S3RetentionMode } from "./s3BlobStore.js";
