import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { bigintToBytes, bytesToBigint, hexToBytes, isHex } from "./bytes.js";
import { decodeSignatureDer, encodeSignatureDer } from "./der.js";

/** Order of the P-256 base point (FIPS 186-4 D.1.2.3). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export function generateP256KeyPair(): { publicKey: string; privateKey: string } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const d = Buffer.from(jwk.d ?? "", "base64url").toString("hex").padStart(64, "0");
  return { privateKey: d, publicKey: p256PublicKeyOf(d) };
}

/** Uncompressed point "04"+x+y of a private key; throws when the key is not a scalar in [1, n-1]. */
export function p256PublicKeyOf(privateKeyHex: string): string {
  if (!isHex(privateKeyHex, 32)) throw new TypeError("a P-256 private key is 64 hex characters");
  const d = bytesToBigint(hexToBytes(privateKeyHex));
  if (d < 1n || d >= P256_ORDER) throw new RangeError("P-256 private key out of range");
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(privateKeyHex, "hex"));
  return ecdh.getPublicKey("hex", "uncompressed");
}

export function signP256(privateKeyHex: string, message: Uint8Array): Uint8Array {
  const publicKey = p256PublicKeyOf(privateKeyHex);
  const key = createPrivateKey({ key: { ...jwkPoint(publicKey), d: b64url(privateKeyHex) }, format: "jwk" });
  const raw = sign("sha256", message, { key, dsaEncoding: "ieee-p1363" });
  return encodeSignatureDer({ r: bytesToBigint(raw.subarray(0, 32)), s: bytesToBigint(raw.subarray(32)) });
}

export function verifyP256(publicKeyHex: string, message: Uint8Array, signatureDer: Uint8Array): boolean {
  const value = decodeSignatureDer(signatureDer);
  if (value === undefined) return false;
  if (value.r < 1n || value.r >= P256_ORDER || value.s < 1n || value.s >= P256_ORDER) return false;
  const key = p256PublicKey(publicKeyHex);
  if (key === undefined) return false;
  const raw = Buffer.concat([bigintToBytes(value.r, 32), bigintToBytes(value.s, 32)]);
  return verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, raw);
}

export function isP256PublicKey(publicKeyHex: string): boolean {
  return p256PublicKey(publicKeyHex) !== undefined;
}

function p256PublicKey(publicKeyHex: string): KeyObject | undefined {
  if (!isHex(publicKeyHex, 65) || !publicKeyHex.startsWith("04")) return undefined;
  try {
    // OpenSSL rejects points that are not on the curve.
    return createPublicKey({ key: jwkPoint(publicKeyHex), format: "jwk" });
  } catch {
    return undefined;
  }
}

function jwkPoint(publicKeyHex: string): { kty: "EC"; crv: "P-256"; x: string; y: string } {
  return { kty: "EC", crv: "P-256", x: b64url(publicKeyHex.slice(2, 66)), y: b64url(publicKeyHex.slice(66, 130)) };
}

function b64url(hex: string): string {
  return Buffer.from(hex, "hex").toString("base64url");
}

