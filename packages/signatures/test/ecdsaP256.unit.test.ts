import { p256 } from "@noble/curves/nist.js";
import { DER } from "@noble/curves/abstract/weierstrass.js";
import { describe, expect, it } from "vitest";
import { generateKeyPair, publicKeyOf, signMessage, verifyMessage } from "../src/index.js";
import { ascii, fromHex, hex, someBitFlips } from "./support/mutations.js";

const ALG = "ECDSA_P256_SHA256";

// RFC 6979 Appendix A.2.5: P-256, SHA-256, message "sample".
const RFC6979 = {
  privateKey: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
  publicKey:
    "04" +
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6" +
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
  r: 0xefd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716n,
  s: 0xf7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8n,
};
const rfcSignature = fromHex(DER.hexFromSig({ r: RFC6979.r, s: RFC6979.s }));
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

describe("ECDSA P-256 / SHA-256", () => {
  it("IDN-09: verifies the RFC 6979 A.2.5 signature of 'sample' and derives its public key", () => {
    expect(publicKeyOf(ALG, RFC6979.privateKey)).toBe(RFC6979.publicKey);
    expect(verifyMessage(ALG, RFC6979.publicKey, ascii("sample"), rfcSignature)).toBe(true);
    expect(verifyMessage(ALG, RFC6979.publicKey, ascii("test"), rfcSignature)).toBe(false);
  });

  it("IDN-09: key pairs are an uncompressed point and a 64-hex scalar that noble derives alike", () => {
    const pair = generateKeyPair(ALG);
    expect(pair.algorithm).toBe(ALG);
    expect(pair.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(pair.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(hex(p256.getPublicKey(fromHex(pair.privateKey), false))).toBe(pair.publicKey);
  });

  it("IDN-09: signatures made by signMessage verify with @noble/curves p256, and noble's verify with verifyMessage", () => {
    for (let i = 0; i < 8; i++) {
      const pair = generateKeyPair(ALG);
      const message = ascii(`{"prescriptionId":"rx-${i}","items":[]}`);
      const ours = signMessage(ALG, pair.privateKey, message);
      // OpenSSL does not normalise s, so accept high-S like any X.509 verifier does.
      expect(p256.verify(ours, message, fromHex(pair.publicKey), { format: "der", lowS: false })).toBe(true);
      const theirs = p256.sign(message, fromHex(pair.privateKey), { format: "der" });
      expect(verifyMessage(ALG, pair.publicKey, message, theirs)).toBe(true);
    }
  });

  it("IDN-09: any flipped bit in the message or in the signature fails verification", () => {
    const pair = generateKeyPair(ALG);
    const message = ascii("canonical prescription bytes");
    const signature = signMessage(ALG, pair.privateKey, message);
    expect(verifyMessage(ALG, pair.publicKey, message, signature)).toBe(true);
    for (const changed of someBitFlips(message)) expect(verifyMessage(ALG, pair.publicKey, changed, signature)).toBe(false);
    for (const changed of someBitFlips(signature)) expect(verifyMessage(ALG, pair.publicKey, message, changed)).toBe(false);
  });

  it("IDN-09: another key, another algorithm, or a malformed or non-canonical signature gives false, never a throw", () => {
    const pair = generateKeyPair(ALG);
    const other = generateKeyPair(ALG);
    const message = ascii("m");
    const signature = signMessage(ALG, pair.privateKey, message);
    expect(verifyMessage(ALG, other.publicKey, message, signature)).toBe(false);
    expect(verifyMessage("SM2_SM3", pair.publicKey, message, signature)).toBe(false);
    const r = RFC6979.r.toString(16);
    const s = RFC6979.s.toString(16);
    expect(hex(rfcSignature)).toBe(`3046022100${r}022100${s}`);
    const malformed: Record<string, string> = {
      empty: "",
      "empty sequence": "3000",
      truncated: `3046022100${r}022100${s}`.slice(0, 80),
      "trailing byte": `3046022100${r}022100${s}00`,
      "long-form length": `308146022100${r}022100${s}`,
      "superfluous zero byte": `3047022100${r}02220000${s}`,
      "negative r": `30450220${r}022100${s}`,
      "r = 0": DER.hexFromSig({ r: 0n, s: RFC6979.s }),
      "s + n": DER.hexFromSig({ r: RFC6979.r, s: RFC6979.s + N }),
      "wrong tag": `3146022100${r}022100${s}`,
    };
    for (const [label, bad] of Object.entries(malformed)) {
      expect(verifyMessage(ALG, RFC6979.publicKey, ascii("sample"), fromHex(bad)), label).toBe(false);
    }
    const badKeys = ["", "zz", pair.publicKey.slice(0, 66), "02" + pair.publicKey.slice(2, 66), flipKey(pair.publicKey), "04" + "00".repeat(64)];
    for (const key of badKeys) expect(verifyMessage(ALG, key, message, signature)).toBe(false);
    const untyped = verifyMessage as (...args: unknown[]) => boolean;
    expect(untyped("RSA", pair.publicKey, message, signature)).toBe(false);
    expect(untyped(ALG, null, message, signature)).toBe(false);
    expect(untyped(ALG, pair.publicKey, "m", signature)).toBe(false);
    expect(untyped(ALG, pair.publicKey, message, undefined)).toBe(false);
  });

  it("IDN-09: signing with a malformed private key throws instead of producing a signature", () => {
    expect(() => signMessage(ALG, "00".repeat(32), ascii("m"))).toThrow();
    expect(() => signMessage(ALG, "xyz", ascii("m"))).toThrow();
    expect(() => signMessage(ALG, N.toString(16), ascii("m"))).toThrow();
  });
});

/** The same x with y+1: not on the curve. */
function flipKey(publicKey: string): string {
  const y = BigInt(`0x${publicKey.slice(66)}`) + 1n;
  return publicKey.slice(0, 66) + y.toString(16).padStart(64, "0");
}
