import { createHash } from "node:crypto";
import { SM3 } from "gm-crypto";
import { sm3 as sm3Portable } from "sm-crypto-v2";
import { describe, expect, it } from "vitest";
import { documentHash, sm3 } from "../src/index.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const ascii = (text: string) => new TextEncoder().encode(text);

// GB/T 32905-2016 Appendix A, examples 1 and 2.
const EXAMPLES = [
  { message: "abc", digest: "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" },
  { message: "abcd".repeat(16), digest: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732" },
];

describe("SM3 known answers (GB/T 32905-2016)", () => {
  for (const { message, digest } of EXAMPLES) {
    it(`IDN-09: SM3("${message.slice(0, 8)}…", ${message.length} bytes) matches the standard through Node, sm3(), gm-crypto and sm-crypto-v2`, () => {
      expect(createHash("sm3").update(message, "ascii").digest("hex")).toBe(digest);
      expect(hex(sm3(ascii(message)))).toBe(digest);
      expect(SM3.digest(message, "utf8", "hex")).toBe(digest);
      expect(sm3Portable(ascii(message))).toBe(digest);
    });
  }

  it("IDN-09: the document hash is SM3 for SM2 and SHA-256 for ECDSA P-256 (FIPS 180-2 'abc')", () => {
    expect(hex(documentHash("SM2_SM3", ascii("abc")))).toBe(EXAMPLES[0]!.digest);
    expect(hex(documentHash("ECDSA_P256_SHA256", ascii("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(documentHash("SM2_SM3", new Uint8Array()).length).toBe(32);
  });
});
