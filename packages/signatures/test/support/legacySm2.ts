// The package's SM2 before it moved to @noble/curves (sm-crypto-v2, no per-key cache), kept only as a test and
// benchmark oracle: signatures made by either must verify with the other.
import { sm2 } from "sm-crypto-v2";
import { SM2_DEFAULT_USER_ID } from "../../src/algorithms.js";
import { bytesToBigint, hexToBytes, isHex } from "../../src/bytes.js";
import { decodeSignatureDer, encodeSignatureDer } from "../../src/der.js";

/** Order n of the SM2 recommended curve (GB/T 32918.5-2017). */
export const SM2_ORDER = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export function generateSm2KeyPair(): { publicKey: string; privateKey: string } {
  for (;;) {
    const pair = sm2.generateKeyPairHex();
    // GB/T 32918.1 wants d in [1, n-2]: signing inverts 1+d.
    if (isSm2PrivateKey(pair.privateKey)) return { privateKey: pair.privateKey, publicKey: sm2PublicKeyOf(pair.privateKey) };
  }
}

export function sm2PublicKeyOf(privateKeyHex: string): string {
  if (!isSm2PrivateKey(privateKeyHex)) throw new RangeError("an SM2 private key is 64 hex characters in [1, n-2]");
  return sm2.getPublicKeyFromPrivateKey(privateKeyHex.toLowerCase()).padStart(130, "0");
}

/** SM2 signature with e = SM3(Z_A || M), Z_A over the default user id; DER encoded. */
export function signSm2(privateKeyHex: string, message: Uint8Array): Uint8Array {
  return signWith(privateKeyHex, message, undefined);
}

/**
 * Signs with a caller-chosen nonce k. Only for reproducing the standard's worked example in tests: a fixed or
 * predictable k reveals the private key.
 */
export function signSm2WithNonceForTest(privateKeyHex: string, message: Uint8Array, k: bigint): Uint8Array {
  const kHex = k.toString(16).padStart(64, "0");
  const x1 = bytesToBigint(hexToBytes(sm2.getPublicKeyFromPrivateKey(kHex).padStart(130, "0").slice(2, 66)));
  return signWith(privateKeyHex, message, [{ k, x1 }]);
}

function signWith(privateKeyHex: string, message: Uint8Array, pointPool: { k: bigint; x1: bigint }[] | undefined): Uint8Array {
  const privateKey = privateKeyHex.toLowerCase();
  const publicKey = sm2PublicKeyOf(privateKey);
  const raw = sm2.doSignature(message, privateKey, {
    hash: true,
    publicKey,
    userId: SM2_DEFAULT_USER_ID,
    ...(pointPool === undefined ? {} : { pointPool }),
  });
  return encodeSignatureDer({ r: BigInt(`0x${raw.slice(0, 64)}`), s: BigInt(`0x${raw.slice(64)}`) });
}

export function verifySm2(publicKeyHex: string, message: Uint8Array, signatureDer: Uint8Array): boolean {
  const value = decodeSignatureDer(signatureDer);
  if (value === undefined) return false;
  // GB/T 32918.2 B1/B2: r, s in [1, n-1] (the library does not check the range itself).
  if (value.r < 1n || value.r >= SM2_ORDER || value.s < 1n || value.s >= SM2_ORDER) return false;
  if (!isSm2PublicKey(publicKeyHex)) return false;
  const raw = value.r.toString(16).padStart(64, "0") + value.s.toString(16).padStart(64, "0");
  try {
    return sm2.doVerifySignature(message, raw, publicKeyHex.toLowerCase(), { hash: true, userId: SM2_DEFAULT_USER_ID });
  } catch {
    return false;
  }
}

export function isSm2PublicKey(publicKeyHex: string): boolean {
  if (!isHex(publicKeyHex, 65) || !publicKeyHex.startsWith("04")) return false;
  try {
    return sm2.verifyPublicKey(publicKeyHex.toLowerCase());
  } catch {
    return false;
  }
}

export function isSm2PrivateKey(privateKeyHex: string): boolean {
  if (!isHex(privateKeyHex, 32)) return false;
  const d = bytesToBigint(hexToBytes(privateKeyHex));
  return d >= 1n && d <= SM2_ORDER - 2n;
}

