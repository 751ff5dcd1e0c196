import { DER } from "@noble/curves/abstract/weierstrass.js";
import { describe, expect, it } from "vitest";
import { documentHash, generateKeyPair, publicKeyOf, signMessage, SM2_DEFAULT_USER_ID, sm3, verifyMessage } from "../src/index.js";
import { signSm2WithNonceForTest } from "../src/sm2.js";
import { ascii, fromHex, hex, someBitFlips } from "./support/mutations.js";
import { generateSm2KeyPair as legacyKeyPair, signSm2 as legacySign, verifySm2 as legacyVerify } from "./support/legacySm2.js";
import { referenceKeyPair, referencePublicKey, referenceSign, referenceVerify, zA } from "./support/referenceSm2.js";

const ALG = "SM2_SM3";

// GM/T 0003.5-2012 (GB/T 32918.5) Appendix A: signature on the recommended curve with the default user id.
// The values agree across several independent public implementations' test suites (GmSSL-style C tests, openHiTLS
// CMVP self-test vectors).
const GMT_0003_5 = {
  privateKey: "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8",
  publicKey:
    "04" +
    "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020" +
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13",
  message: "message digest",
  e: "f0b43e94ba45acca ace692ed534382eb 17e6ab5a19ce7b31 f4486fdfc0d28640".replaceAll(" ", ""),
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 0xf5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3n,
  s: 0xb1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aan,
};
const vectorSignature = fromHex(DER.hexFromSig({ r: GMT_0003_5.r, s: GMT_0003_5.s }));
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

describe("SM2 with SM3 and the default user id", () => {
  it("IDN-09: reproduces the GM/T 0003.5 example: public key, e = SM3(Z_A || M), and (r, s) for the given k", () => {
    expect(SM2_DEFAULT_USER_ID).toBe("1234567812345678");
    expect(publicKeyOf(ALG, GMT_0003_5.privateKey)).toBe(GMT_0003_5.publicKey);
    expect(referencePublicKey(GMT_0003_5.privateKey)).toBe(GMT_0003_5.publicKey);
    const z = zA(GMT_0003_5.publicKey, SM2_DEFAULT_USER_ID);
    expect(hex(sm3(Uint8Array.of(...z, ...ascii(GMT_0003_5.message))))).toBe(GMT_0003_5.e);
    const ours = signSm2WithNonceForTest(GMT_0003_5.privateKey, ascii(GMT_0003_5.message), GMT_0003_5.k);
    expect(hex(ours)).toBe(hex(vectorSignature));
    const reference = referenceSign(GMT_0003_5.privateKey, ascii(GMT_0003_5.message), SM2_DEFAULT_USER_ID, GMT_0003_5.k);
    expect(hex(reference)).toBe(hex(vectorSignature));
  });

  it("IDN-09: verifyMessage accepts the GM/T 0003.5 example signature and nothing else on its key", () => {
    expect(verifyMessage(ALG, GMT_0003_5.publicKey, ascii(GMT_0003_5.message), vectorSignature)).toBe(true);
    expect(verifyMessage(ALG, GMT_0003_5.publicKey, ascii("message digesT"), vectorSignature)).toBe(false);
    // The same key and signature under another user id must not verify: Z_A binds the id.
    expect(referenceVerify(GMT_0003_5.publicKey, ascii(GMT_0003_5.message), vectorSignature, "ALICE123@YAHOO.COM")).toBe(false);
  });

  it("IDN-09: signatures from signMessage verify with the independent reference, and the reference's with verifyMessage", () => {
    for (let i = 0; i < 6; i++) {
      const ours = generateKeyPair(ALG);
      expect(ours.publicKey).toMatch(/^04[0-9a-f]{128}$/);
      expect(ours.privateKey).toMatch(/^[0-9a-f]{64}$/);
      expect(referencePublicKey(ours.privateKey)).toBe(ours.publicKey);
      const message = ascii(`{"approval":"pha-${i}","prescriptionHash":"${"ab".repeat(32)}"}`);
      const signature = signMessage(ALG, ours.privateKey, message);
      expect(referenceVerify(ours.publicKey, message, signature, SM2_DEFAULT_USER_ID)).toBe(true);

      const theirs = referenceKeyPair();
      const theirSignature = referenceSign(theirs.privateKey, message, SM2_DEFAULT_USER_ID);
      expect(verifyMessage(ALG, theirs.publicKey, message, theirSignature)).toBe(true);
      expect(verifyMessage(ALG, ours.publicKey, message, theirSignature)).toBe(false);
    }
  });

  it("IDN-09: interoperates both ways with the previous implementation (sm-crypto-v2), so stored signatures still verify", () => {
    expect(legacyVerify(GMT_0003_5.publicKey, ascii(GMT_0003_5.message), vectorSignature)).toBe(true);
    for (let i = 0; i < 6; i++) {
      const message = ascii(`{"prescription":"rx-${i}","items":[]}`);
      const ours = generateKeyPair(ALG);
      const signature = signMessage(ALG, ours.privateKey, message);
      expect(legacyVerify(ours.publicKey, message, signature)).toBe(true);

      const old = legacyKeyPair();
      expect(publicKeyOf(ALG, old.privateKey)).toBe(old.publicKey);
      const oldSignature = legacySign(old.privateKey, message);
      expect(verifyMessage(ALG, old.publicKey, message, oldSignature)).toBe(true);
      expect(verifyMessage(ALG, old.publicKey, ascii(`{"prescription":"rx-${i}","items":[1]}`), oldSignature)).toBe(false);
      expect(verifyMessage(ALG, ours.publicKey, message, oldSignature)).toBe(false);
    }
  });

  it("IDN-09: the per-key cache changes no answer: a key verifies again after being evicted, and a tampered signature fails on a cached key", () => {
    const signer = generateKeyPair(ALG);
    const message = ascii('{"consultation":"c-1"}');
    const signature = signMessage(ALG, signer.privateKey, message);
    expect(verifyMessage(ALG, signer.publicKey, message, signature)).toBe(true);
    // More distinct keys than the cache holds (256), so the signer's entry is evicted.
    for (let i = 0; i < 300; i++) expect(verifyMessage(ALG, referenceKeyPair().publicKey, message, signature)).toBe(false);
    expect(verifyMessage(ALG, signer.publicKey, message, signature)).toBe(true);
    expect(verifyMessage(ALG, signer.publicKey.toUpperCase(), message, signature)).toBe(true);
    for (const flipped of someBitFlips(signature)) expect(verifyMessage(ALG, signer.publicKey, message, flipped)).toBe(false);
    // A point off the curve is refused whether or not a neighbouring key is cached.
    const offCurve = signer.publicKey.slice(0, -1) + (signer.publicKey.endsWith("0") ? "1" : "0");
    expect(verifyMessage(ALG, offCurve, message, signature)).toBe(false);
    expect(verifyMessage(ALG, signer.publicKey, message, signature)).toBe(true);
  });

  it("IDN-09: the document hash is SM3 of the bytes themselves (Z_A is only inside the signature)", () => {
    expect(hex(documentHash(ALG, ascii("abc")))).toBe("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  });

  it("IDN-09: any flipped bit in the message or in the signature fails verification", () => {
    const pair = generateKeyPair(ALG);
    const message = ascii("canonical approval bytes");
    const signature = signMessage(ALG, pair.privateKey, message);
    expect(verifyMessage(ALG, pair.publicKey, message, signature)).toBe(true);
    for (const changed of someBitFlips(message)) expect(verifyMessage(ALG, pair.publicKey, changed, signature)).toBe(false);
    for (const changed of someBitFlips(signature)) expect(verifyMessage(ALG, pair.publicKey, message, changed)).toBe(false);
  });

  it("IDN-09: another key, the other algorithm, or malformed input gives false, never a throw", () => {
    const pair = generateKeyPair(ALG);
    const message = ascii(GMT_0003_5.message);
    expect(verifyMessage(ALG, generateKeyPair(ALG).publicKey, message, signMessage(ALG, pair.privateKey, message))).toBe(false);
    expect(verifyMessage("ECDSA_P256_SHA256", GMT_0003_5.publicKey, message, vectorSignature)).toBe(false);
    const r = GMT_0003_5.r.toString(16);
    const s = GMT_0003_5.s.toString(16);
    const malformed: Record<string, string> = {
      empty: "",
      "random bytes": "de".repeat(70),
      "trailing byte": `${hex(vectorSignature)}00`,
      "long-form length": `308146022100${r}022100${s}`,
      "superfluous zero byte": `3047022100${r}02220000${s}`,
      "negative r": `30450220${r}022100${s}`,
      "r = 0": DER.hexFromSig({ r: 0n, s: GMT_0003_5.s }),
      "s = 0": DER.hexFromSig({ r: GMT_0003_5.r, s: 0n }),
      "r + n": DER.hexFromSig({ r: GMT_0003_5.r + N, s: GMT_0003_5.s }),
      "s + n": DER.hexFromSig({ r: GMT_0003_5.r, s: GMT_0003_5.s + N }),
      "r + s = n": DER.hexFromSig({ r: GMT_0003_5.r, s: N - GMT_0003_5.r }),
      "raw r||s instead of DER": r + s,
    };
    for (const [label, bad] of Object.entries(malformed)) {
      expect(verifyMessage(ALG, GMT_0003_5.publicKey, message, fromHex(bad)), label).toBe(false);
    }
    const offCurve = GMT_0003_5.publicKey.slice(0, 66) + (BigInt(`0x${GMT_0003_5.publicKey.slice(66)}`) + 1n).toString(16);
    const compressed = "03" + GMT_0003_5.publicKey.slice(2, 66);
    for (const key of ["", "04", "zz".repeat(65), offCurve, compressed, GMT_0003_5.publicKey.slice(2)]) {
      expect(verifyMessage(ALG, key, message, vectorSignature), key).toBe(false);
    }
  });

  it("IDN-09: signing with a private key outside [1, n-2] throws", () => {
    expect(() => signMessage(ALG, "00".repeat(32), ascii("m"))).toThrow();
    expect(() => signMessage(ALG, (N - 1n).toString(16), ascii("m"))).toThrow();
    expect(() => signMessage(ALG, "abc", ascii("m"))).toThrow();
  });
});
