// An SM2 signer/verifier written from GB/T 32918.2 with @noble/curves point arithmetic and Node's SM3, sharing no
// code with sm-crypto-v2: the interoperability reference for the package's SM2.
import { createHash, randomBytes } from "node:crypto";
import { DER, weierstrass } from "@noble/curves/abstract/weierstrass.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";

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

export const Sm2Point = weierstrass(CURVE);
const { n } = CURVE;

function sm3(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sm3");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

function mod(value: bigint, modulus: bigint): bigint {
  const r = value % modulus;
  return r < 0n ? r + modulus : r;
}

function invert(value: bigint, modulus: bigint): bigint {
  // Fermat: modulus is prime.
  let result = 1n;
  let base = mod(value, modulus);
  let exponent = modulus - 2n;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

function field(value: bigint): Uint8Array {
  return numberToBytesBE(value, 32);
}

/** Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA). */
export function zA(publicKeyHex: string, userId: string): Uint8Array {
  const id = new TextEncoder().encode(userId);
  const entl = id.length * 8;
  const point = Sm2Point.fromHex(publicKeyHex);
  return sm3(
    Uint8Array.of(entl >> 8, entl & 0xff),
    id,
    field(CURVE.a),
    field(CURVE.b),
    field(CURVE.Gx),
    field(CURVE.Gy),
    field(point.x),
    field(point.y),
  );
}

export function referencePublicKey(privateKeyHex: string): string {
  return Sm2Point.BASE.multiply(BigInt(`0x${privateKeyHex}`)).toHex(false);
}

export function referenceKeyPair(): { privateKey: string; publicKey: string } {
  for (;;) {
    const d = bytesToNumberBE(randomBytes(32));
    if (d >= 1n && d <= n - 2n) {
      const privateKey = d.toString(16).padStart(64, "0");
      return { privateKey, publicKey: referencePublicKey(privateKey) };
    }
  }
}

/** GB/T 32918.2 §6.1 A1–A7; k random unless given (only the standard's example fixes it). */
export function referenceSign(privateKeyHex: string, message: Uint8Array, userId: string, fixedK?: bigint): Uint8Array {
  const d = BigInt(`0x${privateKeyHex}`);
  const e = bytesToNumberBE(sm3(zA(referencePublicKey(privateKeyHex), userId), message));
  for (;;) {
    const k = fixedK ?? mod(bytesToNumberBE(randomBytes(40)), n - 1n) + 1n;
    const x1 = Sm2Point.BASE.multiply(k).x;
    const r = mod(e + x1, n);
    if (r === 0n || r + k === n) continue;
    const s = mod(invert(1n + d, n) * (k - r * d), n);
    if (s === 0n) continue;
    return Uint8Array.from(Buffer.from(DER.hexFromSig({ r, s }), "hex"));
  }
}

/** GB/T 32918.2 §7.1 B1–B7. */
export function referenceVerify(publicKeyHex: string, message: Uint8Array, signatureDer: Uint8Array, userId: string): boolean {
  let r: bigint;
  let s: bigint;
  let point: ReturnType<typeof Sm2Point.fromHex>;
  try {
    ({ r, s } = DER.toSig(signatureDer));
    point = Sm2Point.fromHex(publicKeyHex);
    point.assertValidity();
  } catch {
    return false;
  }
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const e = bytesToNumberBE(sm3(zA(publicKeyHex, userId), message));
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const sum = Sm2Point.BASE.multiply(s).add(point.multiply(t));
  if (sum.equals(Sm2Point.ZERO)) return false;
  return mod(e + sum.x, n) === r;
}
