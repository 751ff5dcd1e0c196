import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomFillSync, timingSafeEqual } from "node:crypto";

/**
 * The two AEADs a profile may ask for.
 *
 * - `AES-256-GCM` (default): NIST SP 800-38D; what every HSM and cloud KMS speaks.
 * - `SM4-CTR-HMAC-SM3` (国密, when the jurisdiction's profile asks for commercial cryptography, GB/T 39786):
 *   node's OpenSSL build has SM4 (ECB/CBC/CFB/OFB/CTR) but no `sm4-gcm` ("Unknown cipher" on node 20 / OpenSSL 3.0),
 *   so this is encrypt-then-MAC: SM4-CTR under one derived key, HMAC-SM3 over (associated data, IV, ciphertext)
 *   under another. Both keys come from the 32-byte data key by HKDF-SM3 so a data key is never used for two
 *   primitives. Encrypt-then-MAC with independent keys is a generic AEAD construction (Bellare–Namprempre); the
 *   associated data's length is MACed first so (ad, ct) pairs cannot be re-split.
 */
export type AeadAlgorithm = "AES-256-GCM" | "SM4-CTR-HMAC-SM3";

export const DATA_KEY_BYTES = 32;

// 2, not 1: identity's patient key ring writes format 1 (no algorithm byte); a migrated identity tells them apart.
const FORMAT = 2;
const ALGORITHM_IDS: Readonly<Record<AeadAlgorithm, number>> = { "AES-256-GCM": 1, "SM4-CTR-HMAC-SM3": 2 };
const GCM_IV = 12;
const GCM_TAG = 16;
const SM4_IV = 16;
const SM3_MAC = 32;

/**
 * IVs are cut from a buffer of CSPRNG bytes filled POOL_BYTES at a time (issue 15): a call into OpenSSL's random
 * generator costs ≈4 µs whatever its length, a large part of a seal. Every IV is a fresh slice (never handed out
 * twice), and a refill is a new buffer, so a slice given out earlier never changes.
 */
const POOL_BYTES = 4096;
let ivPool = Buffer.alloc(0);
let ivPoolUsed = 0;

function freshIv(bytes: number): Buffer {
  if (ivPoolUsed + bytes > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    ivPoolUsed = 0;
  }
  const iv = ivPool.subarray(ivPoolUsed, ivPoolUsed + bytes);
  ivPoolUsed += bytes;
  return iv;
}

/** format(1) ‖ algorithm(1) ‖ IV ‖ … — the header bytes are part of the associated data, so they cannot be swapped. */
export function seal(algorithm: AeadAlgorithm, dataKey: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const algorithmId = ALGORITHM_IDS[algorithm];
  const ad = withHeader(algorithmId, associatedData);
  if (algorithm === "AES-256-GCM") {
    const iv = freshIv(GCM_IV);
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv, { authTagLength: GCM_TAG });
    cipher.setAAD(ad);
    // GCM is a stream mode: update() returns every byte and final() none, so the body is written in place.
    const body = cipher.update(plaintext);
    cipher.final();
    const sealed = Buffer.allocUnsafe(2 + GCM_IV + GCM_TAG + body.length);
    sealed[0] = FORMAT;
    sealed[1] = algorithmId;
    iv.copy(sealed, 2);
    cipher.getAuthTag().copy(sealed, 2 + GCM_IV);
    body.copy(sealed, 2 + GCM_IV + GCM_TAG);
    return sealed;
  }
  const header = Buffer.of(FORMAT, algorithmId);
  const { encryptionKey, macKey } = sm4Keys(dataKey);
  const iv = freshIv(SM4_IV);
  const cipher = createCipheriv("sm4-ctr", encryptionKey, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, body, sm3Mac(macKey, ad, iv, body)]);
}

/** format ‖ algorithm ‖ associated data: what is authenticated besides the ciphertext. */
function withHeader(algorithmId: number, associatedData: Uint8Array): Buffer {
  const ad = Buffer.allocUnsafe(2 + associatedData.length);
  ad[0] = FORMAT;
  ad[1] = algorithmId;
  ad.set(associatedData, 2);
  return ad;
}

/** The plaintext, or undefined when the value was altered, sealed under other associated data or another key. */
export function open(dataKey: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
  const bytes = Buffer.isBuffer(sealed) ? sealed : Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < 2 || bytes[0] !== FORMAT) return undefined;
  const algorithmId = bytes[1] ?? 0;
  if (algorithmId === ALGORITHM_IDS["AES-256-GCM"]) {
    if (bytes.length < 2 + GCM_IV + GCM_TAG) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", dataKey, bytes.subarray(2, 2 + GCM_IV), { authTagLength: GCM_TAG });
      decipher.setAAD(withHeader(algorithmId, associatedData));
      decipher.setAuthTag(bytes.subarray(2 + GCM_IV, 2 + GCM_IV + GCM_TAG));
      // final() adds no byte in GCM: it checks the tag, and throws when it does not match.
      const plaintext = decipher.update(bytes.subarray(2 + GCM_IV + GCM_TAG));
      decipher.final();
      return plaintext;
    } catch {
      return undefined;
    }
  }
  if (algorithmId === ALGORITHM_IDS["SM4-CTR-HMAC-SM3"]) {
    if (bytes.length < 2 + SM4_IV + SM3_MAC) return undefined;
    const { encryptionKey, macKey } = sm4Keys(dataKey);
    const iv = bytes.subarray(2, 2 + SM4_IV);
    const body = bytes.subarray(2 + SM4_IV, bytes.length - SM3_MAC);
    const expected = sm3Mac(macKey, withHeader(algorithmId, associatedData), iv, body);
    if (!timingSafeEqual(expected, bytes.subarray(bytes.length - SM3_MAC))) return undefined;
    const decipher = createDecipheriv("sm4-ctr", encryptionKey, iv);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }
  return undefined;
}

/** The algorithm a sealed value names, for read models that report it; undefined when the header is unknown. */
export function sealedAlgorithm(sealed: Uint8Array): AeadAlgorithm | undefined {
  if (sealed[0] !== FORMAT) return undefined;
  return (Object.keys(ALGORITHM_IDS) as AeadAlgorithm[]).find((name) => ALGORITHM_IDS[name] === sealed[1]);
}

function sm4Keys(dataKey: Uint8Array): { encryptionKey: Buffer; macKey: Buffer } {
  const derived = Buffer.from(hkdfSync("sm3", dataKey, Buffer.alloc(0), "ihp keyring sm4-ctr-hmac-sm3", 16 + 32));
  return { encryptionKey: derived.subarray(0, 16), macKey: derived.subarray(16) };
}

function sm3Mac(macKey: Buffer, ad: Buffer, iv: Buffer, body: Buffer): Buffer {
  const adLength = Buffer.alloc(8);
  adLength.writeBigUInt64BE(BigInt(ad.length));
  return createHmac("sm3", macKey).update(adLength).update(ad).update(iv).update(body).digest();
}
