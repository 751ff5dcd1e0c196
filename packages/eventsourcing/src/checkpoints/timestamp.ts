import { execFileSync } from "node:child_process";
import { hash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { canonicalJson } from "../canonicalJson.js";
import type { LogCheckpoint } from "./logCheckpoint.js";

/**
 * An RFC 3161 time-stamping authority: given a SHA-256 digest, answers a TimeStampResp (DER). A token from a TSA the
 * verifier trusts proves the checkpoint existed at the token's time, which the service's own `signedAt` cannot.
 */
export interface TimestampAuthority {
  stamp(digest: Uint8Array): Promise<Uint8Array>;
}

/** What a checkpoint's time stamp covers: SHA-256 of the canonical JSON of the signed checkpoint, signature included. */
export function timestampDigest(checkpoint: LogCheckpoint): Uint8Array {
  const { timestamp: _ignored, ...signed } = checkpoint;
  return new Uint8Array(hash("sha256", canonicalJson(signed), "buffer"));
}

// DER pieces of a TimeStampReq (RFC 3161 §2.4.1): version 1, messageImprint (SHA-256), nonce, certReq TRUE.
const SHA256_ALGORITHM = Buffer.from("300d06096086480165030402010500", "hex");

function der(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  const header =
    length < 0x80 ? Buffer.of(tag, length) : length < 0x100 ? Buffer.of(tag, 0x81, length) : Buffer.of(tag, 0x82, length >> 8, length & 0xff);
  return Buffer.concat([header, content]);
}

export function timeStampRequest(digest: Uint8Array, nonce: Uint8Array = randomBytes(8)): Uint8Array {
  const imprint = der(0x30, Buffer.concat([SHA256_ALGORITHM, der(0x04, digest)]));
  // A positive INTEGER in minimal DER: no leading zero bytes, except one that keeps a high bit from reading as a sign.
  let start = 0;
  while (start < nonce.length - 1 && nonce[start] === 0) start++;
  const magnitude = nonce.subarray(start);
  const nonceInteger = der(0x02, (magnitude[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.of(0), magnitude]) : Buffer.from(magnitude));
  return der(0x30, Buffer.concat([Buffer.from("020101", "hex"), imprint, nonceInteger, Buffer.from("0101ff", "hex")]));
}

/**
 * PKIStatus of a TimeStampResp: 0 granted, 1 granted with mods, 2 rejection, … Reads only the first INTEGER of the
 * status SEQUENCE; undefined when the bytes are not shaped like a response.
 */
export function timestampStatus(response: Uint8Array): number | undefined {
  let at = 0;
  const header = (tag: number): number | undefined => {
    if (response[at] !== tag) return undefined;
    const first = response[at + 1];
    if (first === undefined) return undefined;
    const extra = first < 0x80 ? 0 : first & 0x7f;
    let length = first < 0x80 ? first : 0;
    for (let i = 0; i < extra; i++) length = length * 256 + (response[at + 2 + i] ?? 0);
    at += 2 + extra;
    return length;
  };
  if (header(0x30) === undefined || header(0x30) === undefined) return undefined;
  const length = header(0x02);
  if (length !== 1) return undefined;
  return response[at];
}

export interface HttpTimestampAuthorityOptions {
  readonly url: string;
  readonly timeoutMs?: number;
}

/** RFC 3161 over HTTP (§3.4): POST application/timestamp-query, answer application/timestamp-reply. */
export function httpTimestampAuthority(options: HttpTimestampAuthorityOptions): TimestampAuthority {
  return {
    async stamp(digest) {
      const response = await fetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query" },
        body: timeStampRequest(digest),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`time-stamp authority answered HTTP ${response.status}`);
      const body = new Uint8Array(await response.arrayBuffer());
      const status = timestampStatus(body);
      if (status !== 0 && status !== 1) throw new Error(`time-stamp authority refused (status ${String(status)})`);
      return body;
    },
  };
}

/**
 * Checks a checkpoint's time stamp with `openssl ts -verify` against the TSA's CA certificate(s): the token must be a
 * valid signature of a TSA chaining to `caFile` over exactly timestampDigest(checkpoint). OpenSSL does the CMS and
 * certificate work, which is not worth hand-writing. Returns the token's time, or undefined when it does not verify.
 */
export function verifyTimestamp(checkpoint: LogCheckpoint, caFile: string): string | undefined {
  if (checkpoint.timestamp === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "ihp-tsr-"));
  try {
    const responseFile = join(dir, "response.tsr");
    writeFileSync(responseFile, Buffer.from(checkpoint.timestamp, "base64"));
    const digest = Buffer.from(timestampDigest(checkpoint)).toString("hex");
    const options = { stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"], encoding: "utf8" as const };
    try {
      execFileSync("openssl", ["ts", "-verify", "-digest", digest, "-in", responseFile, "-CAfile", caFile], options);
    } catch {
      return undefined;
    }
    const text = execFileSync("openssl", ["ts", "-reply", "-in", responseFile, "-text"], options);
    return /^Time stamp: (.+)$/m.exec(text)?.[1]?.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
