import { createHash, getHashes } from "node:crypto";
import { sm3 as sm3Portable } from "sm-crypto-v2";
import { hexToBytes } from "./bytes.js";

// OpenSSL builds without SM3 (e.g. some FIPS builds) fall back to the pure JavaScript implementation.
const nodeHasSm3 = getHashes().includes("sm3");

/** SM3 (GB/T 32905-2016) of the bytes: 32 bytes. */
export function sm3(message: Uint8Array): Uint8Array {
  return sm3OfParts(message);
}

/** SM3 of the concatenated parts, without copying them into one array first (e.g. Z_A || M). */
export function sm3OfParts(...parts: Uint8Array[]): Uint8Array {
  if (nodeHasSm3) {
    const hash = createHash("sm3");
    for (const part of parts) hash.update(part);
    return new Uint8Array(hash.digest());
  }
  return hexToBytes(sm3Portable(parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
}
