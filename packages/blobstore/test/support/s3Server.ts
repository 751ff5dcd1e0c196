// The ambient types of s3rver must come along when another workspace's test (records) imports this helper.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./s3rver.d.ts" />
import type { S3Client } from "@aws-sdk/client-s3";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { s3ClientFor } from "../../src/s3/index.js";

export interface TestS3 {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly client: S3Client;
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on a random loopback port with its data in a temporary folder, and a client for
 * it. s3rver implements no object lock, versioning or object retention (README): tests use the "metadata" mode.
 */
export async function startTestS3(bucket: string): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "ihp-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3ClientFor({ endpoint, region: "cn-north-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
