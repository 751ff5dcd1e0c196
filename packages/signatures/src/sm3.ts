import { createHash, getHashes } from "node:crypto";
import { sm3 as sm3Portable } from "sm-crypto-v2";
import { hexToBytes } from "./bytes.js";

// OpenSSL builds without SM3 (e.g. some FIPS builds) fall back to the pure JavaScript implementation.
const nodeHasSm3 = getHashes().includes("sm3");

/** SM3 (GB/T 32905-2016) of the bytes: 32 bytes. */
export function sm3(message: Uint8Array): Uint8Array {
  if (nodeHasSm3) return new Uint8Array(createHash("sm3").update(message).digest());
  return hexToBytes(sm3Portable(message));
}
