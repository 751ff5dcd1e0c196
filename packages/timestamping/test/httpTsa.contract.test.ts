import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpRfc3161Authority, TimestampError, readTsaCertificate, type Digest } from "../src/index.js";
import { createTestPki, skipWithoutOpenssl, startOpensslTsa, type LocalTsa, type TestPki } from "./support/opensslTsa.js";

if (skipWithoutOpenssl) console.warn("SKIPPED RFC 3161 TSA tests: the openssl command is not installed (apt-get install openssl)");

const MINUTE = 60_000;
const sha256 = (text: string): Digest => ({ algorithm: "SHA-256", value: createHash("sha256").update(text).digest() });
const hexOf = (digest: Digest): string => Buffer.from(digest.value).toString("hex");

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TimestampError) return error.code;
    throw error;
  }
  return "no error";
}

describe.skipIf(skipWithoutOpenssl)("RFC 3161 over HTTP against a local openssl TSA", () => {
  let pki: TestPki;
  let tsa: LocalTsa;
  let other: LocalTsa;
  const clock = { now: (): Date => new Date() };
  let authority: HttpRfc3161Authority;

  beforeAll(async () => {
    pki = await createTestPki();
    tsa = await startOpensslTsa(pki, "tsa");
    other = await startOpensslTsa(pki, "other-tsa");
    authority = new HttpRfc3161Authority({ url: tsa.url, tsaCertificate: tsa.certPem, maxSkewMs: 5 * MINUTE, now: () => clock.now() });
  });
  afterAll(async () => {
    await tsa?.close();
    await other?.close();
    await pki?.close();
  });

  it("REC-07: a signature's document hash gets a token that `openssl ts -verify` accepts, with the TSA's time", async () => {
    const digest = sha256("门诊病历 v1 canonical bytes");
    const before = Date.now();
    const stamped = await authority.stamp(digest);
    expect(stamped.profile).toBe("RFC3161");
    expect(stamped.policy).toBe("1.2.3.4.1");
    expect(stamped.genTime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(stamped.genTime.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const openssl = await tsa.opensslVerify(stamped.token, hexOf(digest));
    expect(openssl.output).toContain("Verification: OK");
    expect(openssl.ok).toBe(true);
    const again = await authority.verify(stamped.token, digest);
    expect(again.genTime.toISOString()).toBe(stamped.genTime.toISOString());
    expect(again.serialNumber).toBe(stamped.serialNumber);
  });

  it("REC-07: a token does not verify for another digest (TIMESTAMP_MISMATCH), and openssl agrees", async () => {
    const stamped = await authority.stamp(sha256("version 1"));
    const otherDigest = sha256("version 2");
    expect(await codeOf(authority.verify(stamped.token, otherDigest))).toBe("TIMESTAMP_MISMATCH");
    expect((await tsa.opensslVerify(stamped.token, hexOf(otherDigest))).ok).toBe(false);
  });

  it("REC-07: an altered token is TIMESTAMP_TOKEN_INVALID, and openssl agrees", async () => {
    const digest = sha256("tamper");
    const { token } = await authority.stamp(digest);
    const altered = new Uint8Array(token);
    altered[altered.length - 5] = altered[altered.length - 5]! ^ 0x40; // inside the signature value
    expect(await codeOf(authority.verify(altered, digest))).toBe("TIMESTAMP_TOKEN_INVALID");
    expect((await tsa.opensslVerify(altered, hexOf(digest))).ok).toBe(false);
    expect(await codeOf(authority.verify(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), digest))).toBe("TIMESTAMP_TOKEN_INVALID");
  });

  it("REC-07: a token signed by another TSA (even one of the same CA) is refused: only the configured certificate signs", async () => {
    const digest = sha256("which TSA");
    const foreign = new HttpRfc3161Authority({ url: other.url, tsaCertificate: other.certPem, maxSkewMs: 5 * MINUTE });
    const { token } = await foreign.stamp(digest);
    expect((await other.opensslVerify(token, hexOf(digest))).ok).toBe(true);
    expect(await codeOf(authority.verify(token, digest))).toBe("TIMESTAMP_TOKEN_INVALID");
    const pointedAtOther = new HttpRfc3161Authority({ url: other.url, tsaCertificate: tsa.certPem, maxSkewMs: 5 * MINUTE });
    expect(await codeOf(pointedAtOther.stamp(digest))).toBe("TIMESTAMP_TOKEN_INVALID");
  });

  it("REC-07: signing stops when the local clock and the TSA differ by more than the threshold (TIMESTAMP_CLOCK_SKEW)", async () => {
    const digest = sha256("skew");
    try {
      clock.now = () => new Date(Date.now() + 10 * MINUTE);
      expect(await codeOf(authority.stamp(digest))).toBe("TIMESTAMP_CLOCK_SKEW");
      clock.now = () => new Date(Date.now() - 10 * MINUTE);
      expect(await codeOf(authority.stamp(digest))).toBe("TIMESTAMP_CLOCK_SKEW");
      clock.now = () => new Date(Date.now() + 4 * MINUTE);
      expect((await authority.stamp(digest)).profile).toBe("RFC3161");
    } finally {
      clock.now = () => new Date();
    }
  });

  it("REC-07: a TSA certificate without a critical timeStamping-only extended key usage is refused (TSA_CERTIFICATE_INVALID)", async () => {
    const lax = await pki.issueTsa("lax-tsa", false);
    expect(() => readTsaCertificate(lax.certPem)).toThrow(expect.objectContaining({ code: "TSA_CERTIFICATE_INVALID" }));
    expect(() => readTsaCertificate(pki.caPem)).toThrow(expect.objectContaining({ code: "TSA_CERTIFICATE_INVALID" }));
    expect(() => readTsaCertificate("not a certificate")).toThrow(expect.objectContaining({ code: "TSA_CERTIFICATE_INVALID" }));
    expect(readTsaCertificate(tsa.certPem).node.subject).toContain("CN=tsa");
  });

  it("a policy the TSA does not accept is TSA_REJECTED with the TSA's reason", async () => {
    const picky = new HttpRfc3161Authority({ url: tsa.url, tsaCertificate: tsa.certPem, maxSkewMs: MINUTE, policy: "1.2.3.4.99" });
    const error = await picky.stamp(sha256("policy")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TSA_REJECTED" });
    expect((error as Error).message).toContain("unacceptedPolicy");
    const allowed = new HttpRfc3161Authority({ url: tsa.url, tsaCertificate: tsa.certPem, maxSkewMs: MINUTE, policy: "1.2.3.4.5" });
    expect((await allowed.stamp(sha256("policy"))).policy).toBe("1.2.3.4.5");
  });

  it("an HTTP error, an oversized answer or an unreachable TSA is TSA_UNAVAILABLE", async () => {
    tsa.mode = "http-500";
    try {
      expect(await codeOf(authority.stamp(sha256("down")))).toBe("TSA_UNAVAILABLE");
    } finally {
      tsa.mode = "reply";
    }
    const flood = new HttpRfc3161Authority({
      url: tsa.url,
      tsaCertificate: tsa.certPem,
      maxSkewMs: MINUTE,
      fetch: () => Promise.resolve(new Response(new Uint8Array(300 * 1024), { headers: { "content-type": "application/timestamp-reply" } })),
    });
    const flooded = await flood.stamp(sha256("flood")).catch((error: unknown) => error);
    expect(flooded).toMatchObject({ code: "TSA_UNAVAILABLE" });
    expect((flooded as Error).message).toContain("more than 262144 bytes");
    const nowhere = new HttpRfc3161Authority({ url: "http://127.0.0.1:9/tsa", tsaCertificate: tsa.certPem, maxSkewMs: MINUTE });
    expect(await codeOf(nowhere.stamp(sha256("down")))).toBe("TSA_UNAVAILABLE");
  });

  it("an SM3 digest (GM/T 0033's) or a digest of the wrong size is refused before anything is sent", async () => {
    let calls = 0;
    const counting = new HttpRfc3161Authority({
      url: tsa.url,
      tsaCertificate: tsa.certPem,
      maxSkewMs: MINUTE,
      fetch: (...args) => {
        calls += 1;
        return fetch(...args);
      },
    });
    expect(await codeOf(counting.stamp({ algorithm: "SM3", value: new Uint8Array(32) }))).toBe("TIMESTAMP_DIGEST_UNSUPPORTED");
    expect(await codeOf(counting.stamp({ algorithm: "SHA-256", value: new Uint8Array(31) }))).toBe("TIMESTAMP_DIGEST_INVALID");
    expect(calls).toBe(0);
    await counting.stamp(sha256("counted"));
    expect(calls).toBe(1);
  });
});
