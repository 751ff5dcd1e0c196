import { bigintToBytes, bytesToBigint } from "./bytes.js";

/** An ECDSA/SM2 signature value: SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 Ecdsa-Sig-Value, GM/T 0009 SM2Signature). */
export interface SignatureValue {
  readonly r: bigint;
  readonly s: bigint;
}

export function encodeSignatureDer({ r, s }: SignatureValue): Uint8Array {
  const body = [...encodeInteger(r), ...encodeInteger(s)];
  return Uint8Array.from([0x30, ...encodeLength(body.length), ...body]);
}

/**
 * Strict DER: one encoding per value, so a signature cannot be re-encoded into a second valid byte string
 * (no long-form short lengths, no superfluous leading zero bytes, no negative integers, no trailing bytes).
 * Returns undefined for anything else.
 */
export function decodeSignatureDer(der: Uint8Array): SignatureValue | undefined {
  if (der[0] !== 0x30) return undefined;
  const seq = readLength(der, 1);
  if (seq === undefined || seq.offset + seq.length !== der.length) return undefined;
  const r = readInteger(der, seq.offset);
  if (r === undefined) return undefined;
  const s = readInteger(der, r.next);
  if (s === undefined || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function encodeInteger(value: bigint): number[] {
  if (value < 0n) throw new RangeError("negative integer");
  let bytes = [...bigintToBytes(value, Math.max(1, Math.ceil(value.toString(16).length / 2)))];
  if ((bytes[0] ?? 0) & 0x80) bytes = [0, ...bytes];
  return [0x02, ...encodeLength(bytes.length), ...bytes];
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  throw new RangeError("signature too long");
}

function readLength(der: Uint8Array, at: number): { length: number; offset: number } | undefined {
  const first = der[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, offset: at + 1 };
  if (first !== 0x81) return undefined;
  const length = der[at + 1];
  if (length === undefined || length < 0x80) return undefined;
  return { length, offset: at + 2 };
}

function readInteger(der: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  if (der[at] !== 0x02) return undefined;
  const header = readLength(der, at + 1);
  if (header === undefined || header.length === 0) return undefined;
  const end = header.offset + header.length;
  if (end > der.length) return undefined;
  const content = der.subarray(header.offset, end);
  const [first = 0, second = 0] = content;
  if (first & 0x80) return undefined;
  if (content.length > 1 && first === 0 && !(second & 0x80)) return undefined;
  return { value: bytesToBigint(content), next: end };
}
