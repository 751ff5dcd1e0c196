import { S3Client } from "@aws-sdk/client-s3";

export interface S3Endpoint {
  /** e.g. http://127.0.0.1:9000 for MinIO or a test server; omit for AWS itself. */
  readonly endpoint?: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Path-style addressing (bucket in the path): what MinIO, Ceph and most on-premise servers expect. */
  readonly forcePathStyle?: boolean;
}

/**
 * An S3 client for S3-compatible servers. Checksums are sent only where S3 requires them (the store checks SHA-256
 * itself on every read, and sends it as x-amz-checksum-sha256 on upload): the SDK's default CRC32 with aws-chunked
 * trailers is not understood by many compatible servers.
 */
export function s3ClientFor(endpoint: S3Endpoint): S3Client {
  return new S3Client({
    ...(endpoint.endpoint === undefined ? {} : { endpoint: endpoint.endpoint }),
    region: endpoint.region,
    credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
    forcePathStyle: endpoint.forcePathStyle ?? true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
