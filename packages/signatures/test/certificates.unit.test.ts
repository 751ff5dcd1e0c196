import { stat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  certificateToBeSigned,
  CertificateAuthorityError,
  checkCertificate,
  generateKeyPair,
  LocalCertificateAuthority,
  signMessage,
  verifyMessage,
  type Certificate,
  type SignatureAlgorithmName,
} from "../src/index.js";
import { useTempDirs } from "./support/tempDir.js";

const ALGORITHMS: readonly SignatureAlgorithmName[] = ["ECDSA_P256_SHA256", "SM2_SM3"];
const notBefore = new Date("2025-01-01T00:00:00.000Z");
const notAfter = new Date("2027-01-01T00:00:00.000Z");
const during = new Date("2026-03-01T08:00:00.000Z");
const tempDir = useTempDirs();

async function issueFor(ca: LocalCertificateAuthority, algorithm: SignatureAlgorithmName) {
  const holder = generateKeyPair(algorithm);
  const cert = await ca.issue({ subjectId: "prac-001", subjectName: "张医生", algorithm, publicKey: holder.publicKey, notBefore, notAfter });
  return { holder, cert };
}

describe("certificates from the local CA", () => {
  for (const caAlgorithm of ALGORITHMS) {
    for (const holderAlgorithm of ALGORITHMS) {
      it(`IDN-09: a ${caAlgorithm} CA issues a ${holderAlgorithm} certificate that checks OK and certifies the holder's key`, async () => {
        const ca = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: caAlgorithm });
        const { holder, cert } = await issueFor(ca, holderAlgorithm);
        expect(cert).toMatchObject({
          version: 1,
          subjectId: "prac-001",
          subjectName: "张医生",
          algorithm: holderAlgorithm,
          publicKey: holder.publicKey,
          notBefore: "2025-01-01T00:00:00.000Z",
          notAfter: "2027-01-01T00:00:00.000Z",
          issuer: "IHP Test CA",
          issuerAlgorithm: caAlgorithm,
        });
        expect(cert.serial).toMatch(/^[0-9a-f]{32}$/);
        expect(checkCertificate(cert, ca.trustAnchor(), during)).toBe("OK");
        // The certified key is the one that verifies the holder's document signatures.
        const document = new TextEncoder().encode('{"rx":"1"}');
        expect(verifyMessage(cert.algorithm, cert.publicKey, document, signMessage(holderAlgorithm, holder.privateKey, document))).toBe(true);
      });
    }
  }

  it("IDN-09: the to-be-signed bytes are canonical JSON of every field but the signature", async () => {
    const ca = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: "SM2_SM3", newSerial: () => "00ff" });
    const { cert } = await issueFor(ca, "SM2_SM3");
    const text = new TextDecoder().decode(certificateToBeSigned(cert));
    const { issuerSignature: _ignored, ...rest } = cert;
    const sorted = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(text).toBe(JSON.stringify(sorted));
    expect(text).not.toContain("issuerSignature");
    expect(cert.serial).toBe("00ff");
    expect(certificateToBeSigned({ ...rest, extra: "ignored" } as typeof rest)).toEqual(certificateToBeSigned(rest));
  });

  for (const algorithm of ALGORITHMS) {
    it(`IDN-09: tampering with any signed field of a ${algorithm}-issued certificate gives CERTIFICATE_SIGNATURE_INVALID`, async () => {
      const ca = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm });
      const { cert } = await issueFor(ca, algorithm);
      const other = generateKeyPair(algorithm).publicKey;
      const tampered: Certificate[] = [
        { ...cert, subjectId: "prac-002" },
        { ...cert, publicKey: other },
        { ...cert, subjectName: "李医生" },
        { ...cert, serial: "0".repeat(32) },
        { ...cert, notAfter: "2099-01-01T00:00:00.000Z" },
        { ...cert, issuerSignature: Buffer.from(signMessage(algorithm, generateKeyPair(algorithm).privateKey, certificateToBeSigned(cert))).toString("base64") },
        { ...cert, issuerSignature: "not base64!" },
        { ...cert, issuerSignature: "" },
      ];
      for (const forged of tampered) expect(checkCertificate(forged, ca.trustAnchor(), during)).toBe("CERTIFICATE_SIGNATURE_INVALID");
    });
  }

  it("IDN-09: a certificate already checked OK (its CA signature verified once and remembered) still fails when any signed byte, the signature or the anchor key differs, and still expires", async () => {
    const ca = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: "SM2_SM3" });
    const { cert } = await issueFor(ca, "SM2_SM3");
    const anchor = ca.trustAnchor();
    expect(checkCertificate(cert, anchor, during)).toBe("OK");
    expect(checkCertificate(cert, anchor, during)).toBe("OK");
    const forgedSignature = Buffer.from(signMessage("SM2_SM3", generateKeyPair("SM2_SM3").privateKey, certificateToBeSigned(cert))).toString("base64");
    for (const forged of [{ ...cert, subjectId: "prac-002" }, { ...cert, notAfter: "2099-01-01T00:00:00.000Z" }, { ...cert, issuerSignature: forgedSignature }]) {
      expect(checkCertificate(forged, anchor, during)).toBe("CERTIFICATE_SIGNATURE_INVALID");
    }
    const impostor = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: "SM2_SM3" });
    expect(checkCertificate(cert, impostor.trustAnchor(), during)).toBe("CERTIFICATE_SIGNATURE_INVALID");
    expect(checkCertificate(cert, anchor, new Date(notAfter.getTime() + 1))).toBe("CERTIFICATE_EXPIRED");
    expect(checkCertificate(cert, anchor, during)).toBe("OK");
  });

  it("IDN-09: a certificate is not yet valid before notBefore and expired after notAfter (both bounds inclusive)", async () => {
    const ca = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: "SM2_SM3" });
    const { cert } = await issueFor(ca, "ECDSA_P256_SHA256");
    const anchor = ca.trustAnchor();
    expect(checkCertificate(cert, anchor, new Date(notBefore.getTime() - 1))).toBe("CERTIFICATE_NOT_YET_VALID");
    expect(checkCertificate(cert, anchor, notBefore)).toBe("OK");
    expect(checkCertificate(cert, anchor, notAfter)).toBe("OK");
    expect(checkCertificate(cert, anchor, new Date(notAfter.getTime() + 1))).toBe("CERTIFICATE_EXPIRED");
  });

  it("IDN-09: another CA's anchor, even under the same name, does not accept the certificate", async () => {
    const ca = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: "SM2_SM3" });
    const { cert } = await issueFor(ca, "SM2_SM3");
    const otherName = await LocalCertificateAuthority.open({ name: "Other CA", algorithm: "SM2_SM3" });
    expect(checkCertificate(cert, otherName.trustAnchor(), during)).toBe("CERTIFICATE_UNKNOWN_ISSUER");
    const otherAlgorithm = { ...ca.trustAnchor(), algorithm: "ECDSA_P256_SHA256" as const };
    expect(checkCertificate(cert, otherAlgorithm, during)).toBe("CERTIFICATE_UNKNOWN_ISSUER");
    const impostor = await LocalCertificateAuthority.open({ name: "IHP Test CA", algorithm: "SM2_SM3" });
    expect(checkCertificate(cert, impostor.trustAnchor(), during)).toBe("CERTIFICATE_SIGNATURE_INVALID");
  });

  it("IDN-09: the CA key file is created 0600 on first open and reopening keeps the same trust anchor", async () => {
    const keyFile = join(await tempDir(), "ca", "ca-key.json");
    const first = await LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "SM2_SM3", keyFile });
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const { cert } = await issueFor(first, "SM2_SM3");
    const reopened = await LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "SM2_SM3", keyFile });
    expect(reopened.trustAnchor()).toEqual(first.trustAnchor());
    expect(checkCertificate(cert, reopened.trustAnchor(), during)).toBe("OK");
    const stored = JSON.parse(await readFile(keyFile, "utf8")) as { publicKey: string };
    expect(stored.publicKey).toBe(first.trustAnchor().publicKey);
  });

  it("IDN-09: opening a key file with another algorithm, or a corrupt one, fails instead of minting a new key", async () => {
    const keyFile = join(await tempDir(), "ca-key.json");
    await LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "SM2_SM3", keyFile });
    await expect(LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "ECDSA_P256_SHA256", keyFile })).rejects.toThrow(/SM2_SM3/);
    const { writeFile } = await import("node:fs/promises");
    const content = JSON.parse(await readFile(keyFile, "utf8")) as Record<string, string>;
    await writeFile(keyFile, JSON.stringify({ ...content, publicKey: generateKeyPair("SM2_SM3").publicKey }));
    await expect(LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "SM2_SM3", keyFile })).rejects.toThrow(/does not match/);
  });

  it("IDN-09: the CA refuses to certify a key that is not on the curve, an empty subject or an empty validity", async () => {
    const ca = await LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "ECDSA_P256_SHA256" });
    const good = { subjectId: "p", subjectName: "n", algorithm: "SM2_SM3" as const, publicKey: generateKeyPair("SM2_SM3").publicKey, notBefore, notAfter };
    const bad = [
      { ...good, publicKey: generateKeyPair("ECDSA_P256_SHA256").publicKey },
      { ...good, subjectId: " " },
      { ...good, notAfter: notBefore },
      { ...good, notBefore: new Date(Number.NaN) },
    ];
    for (const request of bad) {
      await expect(ca.issue(request)).rejects.toSatisfy((error) => error instanceof CertificateAuthorityError && error.code === "CA_REQUEST_INVALID");
    }
    await expect(ca.issue(good)).resolves.toMatchObject({ subjectId: "p" });
  });

  it("IDN-09: revocation at the local CA is idempotent and keeps the first reason", async () => {
    const ca = await LocalCertificateAuthority.open({ name: "IHP CA", algorithm: "SM2_SM3" });
    const { cert } = await issueFor(ca, "SM2_SM3");
    await ca.revoke(cert.serial, "KEY_COMPROMISE", during);
    await ca.revoke(cert.serial, "OTHER", new Date());
    expect(ca.revocations()).toEqual([{ serial: cert.serial, reason: "KEY_COMPROMISE", at: during.toISOString() }]);
  });
});
