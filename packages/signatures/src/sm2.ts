import { randomBytes } from "node:crypto";
import { weierstrass, type WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import { SM2_DEFAULT_USER_ID } from "./algorithms.js";
import { bigintToBytes, bytesToBigint, bytesToHex, hexToBytes, isHex } from "./bytes.js";
import { decodeSignatureDer, encodeSignatureDer } from "./der.js";
import { sm3OfParts } from "./sm3.js";

// GB/T 32918.5-2017 recommended curve sm2p256v1.
const CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

/** Order n of the SM2 recommended curve (GB/T 32918.5-2017). */
export const SM2_ORDER = CURVE.n;

const Point = weierstrass(CURVE);
type Sm2Point = WeierstrassPoint<bigint>;
// A larger fixed-base table than noble's default: every sign and verify multiplies G. Built on first use (~0.1 s),
// not at import, so processes that never touch SM2 do not pay for it.
const G = Point.BASE.precompute(8, true);

// Z_A's fixed prefix: ENTL || ID || a || b || xG || yG for the default user id (GM/T 0009).
const Z_PREFIX = (() => {
  const id = new TextEncoder().encode(SM2_DEFAULT_USER_ID);
  const entl = id.length * 8;
  return Uint8Array.from([
    entl >> 8,
    entl & 0xff,
    ...id,
    ...[CURVE.a, CURVE.b, CURVE.Gx, CURVE.Gy].flatMap((v) => [...bigintToBytes(v, 32)]),
  ]);
})();

interface PublicKeyMaterial {
  readonly point: Sm2Point;
  readonly zA: Uint8Array;
  /** Whether point has its wNAF table; built on the key's second use, since a one-off key would not repay it. */
  tabled: boolean;
}

// Verifying keys recur (a few practitioners and CAs sign most documents): the decoded point with its wNAF
// table (window 6, ~1.4k points) and Z_A are kept for the most recently used keys. Bounded, so a stream of
// distinct keys costs time, not memory.
const PUBLIC_KEY_CACHE_SIZE = 256;
const publicKeyCache = new Map<string, PublicKeyMaterial>();

/** The decoded, validated key (on the curve, not the identity) with its Z_A, or undefined for anything else. */
function publicKeyMaterial(publicKeyHex: string): PublicKeyMaterial | undefined {
  if (!isHex(publicKeyHex, 65) || !publicKeyHex.startsWith("04")) return undefined;
  const key = publicKeyHex.toLowerCase();
  const cached = publicKeyCache.get(key);
  if (cached !== undefined) {
    if (!cached.tabled) {
      cached.point.precompute(6, true);
      cached.tabled = true;
    }
    publicKeyCache.delete(key);
    publicKeyCache.set(key, cached);
    return cached;
  }
  let point: Sm2Point;
  try {
    point = Point.fromHex(key);
    point.assertValidity();
  } catch {
    return undefined;
  }
  if (point.is0()) return undefined;
  const material = { point, tabled: false, zA: sm3OfParts(Z_PREFIX, hexToBytes(key.slice(2))) };
  publicKeyCache.set(key, material);
  if (publicKeyCache.size > PUBLIC_KEY_CACHE_SIZE) {
    const oldest = publicKeyCache.keys().next().value;
    if (oldest !== undefined) publicKeyCache.delete(oldest);
  }
  return material;
}

function mod(value: bigint): bigint {
  const r = value % SM2_ORDER;
  return r < 0n ? r + SM2_ORDER : r;
}

interface SigningMaterial {
  readonly d: bigint;
  readonly inverse: bigint;
  readonly zA: Uint8Array;
}

// A signer signs many documents in a row: d, (1 + d)^-1 and Z_A are kept for a few recent private keys, so a
// signature costs one fixed-base multiplication. The keys are already in this process while it signs with them.
const SIGNING_CACHE_SIZE = 32;
const signingCache = new Map<string, SigningMaterial>();

function signingMaterial(privateKeyHex: string): SigningMaterial {
  const cached = signingCache.get(privateKeyHex);
  if (cached !== undefined) return cached;
  if (!isSm2PrivateKey(privateKeyHex)) throw new RangeError("an SM2 private key is 64 hex characters in [1, n-2]");
  const key = privateKeyHex.toLowerCase();
  const publicKey = publicKeyMaterial(sm2PublicKeyOf(key));
  if (publicKey === undefined) throw new Error("derived SM2 public key is invalid");
  const d = bytesToBigint(hexToBytes(key));
  const material = { d, inverse: Point.Fn.inv(1n + d), zA: publicKey.zA };
  // Keyed by the string as given: only a key that passed the checks above is ever found.
  signingCache.set(privateKeyHex, material);
  if (signingCache.size > SIGNING_CACHE_SIZE) {
    const oldest = signingCache.keys().next().value;
    if (oldest !== undefined) signingCache.delete(oldest);
  }
  return material;
}

function randomScalar(max: bigint): bigint {
  // 64 random bytes reduced mod max: bias below 2^-250.
  return (bytesToBigint(new Uint8Array(randomBytes(64))) % max) + 1n;
}

export function generateSm2KeyPair(): { publicKey: string; privateKey: string } {
  // GB/T 32918.1 wants d in [1, n-2]: signing inverts 1+d.
  const privateKey = bytesToHex(bigintToBytes(randomScalar(SM2_ORDER - 2n), 32));
  return { privateKey, publicKey: sm2PublicKeyOf(privateKey) };
}

export function sm2PublicKeyOf(privateKeyHex: string): string {
  if (!isSm2PrivateKey(privateKeyHex)) throw new RangeError("an SM2 private key is 64 hex characters in [1, n-2]");
  return G.multiply(bytesToBigint(hexToBytes(privateKeyHex))).toHex(false);
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
  return signWith(privateKeyHex, message, k);
}

/** GB/T 32918.2 §6.1 A1–A7. */
function signWith(privateKeyHex: string, message: Uint8Array, fixedK: bigint | undefined): Uint8Array {
  const { d, inverse, zA } = signingMaterial(privateKeyHex);
  const e = bytesToBigint(sm3OfParts(zA, message));
  for (;;) {
    const k = fixedK ?? randomScalar(SM2_ORDER - 1n);
    const r = mod(e + G.multiply(k).x);
    if (r === 0n || r + k === SM2_ORDER) {
      if (fixedK !== undefined) throw new RangeError("the given k gives r = 0 or r + k = n");
      continue;
    }
    const s = mod(inverse * (k - r * d));
    if (s === 0n) {
      if (fixedK !== undefined) throw new RangeError("the given k gives s = 0");
      continue;
    }
    return encodeSignatureDer({ r, s });
  }
}

/** GB/T 32918.2 §7.1 B1–B7; never throws. */
export function verifySm2(publicKeyHex: string, message: Uint8Array, signatureDer: Uint8Array): boolean {
  if (!(message instanceof Uint8Array) || !(signatureDer instanceof Uint8Array)) return false;
  const value = decodeSignatureDer(signatureDer);
  if (value === undefined) return false;
  const { r, s } = value;
  // B1/B2: r, s in [1, n-1].
  if (r < 1n || r >= SM2_ORDER || s < 1n || s >= SM2_ORDER) return false;
  const material = typeof publicKeyHex === "string" ? publicKeyMaterial(publicKeyHex) : undefined;
  if (material === undefined) return false;
  const t = mod(r + s);
  if (t === 0n) return false;
  const e = bytesToBigint(sm3OfParts(material.zA, message));
  const sum = G.multiplyUnsafe(s).add(material.point.multiplyUnsafe(t));
  if (sum.is0()) return false;
  return mod(e + sum.x) === r;
}

export function isSm2PublicKey(publicKeyHex: string): boolean {
  return typeof publicKeyHex === "string" && publicKeyMaterial(publicKeyHex) !== undefined;
}

export function isSm2PrivateKey(privateKeyHex: string): boolean {
  if (!isHex(privateKeyHex, 32)) return false;
  const d = bytesToBigint(hexToBytes(privateKeyHex));
  return d >= 1n && d <= SM2_ORDER - 2n;
}
