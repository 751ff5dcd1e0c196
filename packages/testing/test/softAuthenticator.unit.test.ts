import { createHash, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";

import { SoftAuthenticator } from "@ihp/testing";

const OPTIONS = JSON.stringify({ challenge: "Y2hhbGxlbmdl" });
const b64url = (text: string): Buffer => Buffer.from(text, "base64url");

/** The P-256 public key a registration response carries (COSE key after the credential id in authenticatorData). */
function registeredKey(registration: string) {
  const { response } = JSON.parse(registration) as { response: { attestationObject: string } };
  const attestation = b64url(response.attestationObject);
  const authDataStart = attestation.indexOf(Buffer.from("authData")) + "authData".length;
  const authData = attestation.subarray(authDataStart + 2); // CBOR byte-string head: 0x58 + one length byte
  const idLength = authData.readUInt16BE(32 + 1 + 4 + 16);
  const cose = authData.subarray(32 + 1 + 4 + 16 + 2 + idLength);
  const coordinate = (label: number) => {
    const at = cose.indexOf(Buffer.from([label, 0x58, 0x20]));
    return cose.subarray(at + 3, at + 35).toString("base64url");
  };
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: coordinate(0x21), y: coordinate(0x22) }, format: "jwk" });
}

describe("SoftAuthenticator export and restore (the bench's load generator runs in its own process)", () => {
  it("a restored device is the same credential and key, and carries on with the counter", () => {
    const device = new SoftAuthenticator();
    const registration = device.register(OPTIONS);
    device.assert(OPTIONS);
    device.assert(OPTIONS);
    const restored = SoftAuthenticator.restore(structuredClone(device.export()));
    expect(restored.credentialId).toBe(device.credentialId);
    expect(restored.nextCounter).toBe(3);

    const assertion = JSON.parse(restored.assert(OPTIONS)) as { id: string; response: { authenticatorData: string; clientDataJSON: string; signature: string } };
    expect(assertion.id).toBe(device.credentialId);
    const authData = b64url(assertion.response.authenticatorData);
    expect(authData.readUInt32BE(33)).toBe(3);
    const signed = Buffer.concat([authData, createHash("sha256").update(b64url(assertion.response.clientDataJSON)).digest()]);
    expect(verify("sha256", signed, registeredKey(registration), b64url(assertion.response.signature))).toBe(true);
  });

  it("a new device has its own key", () => {
    const registration = new SoftAuthenticator().register(OPTIONS);
    const other = JSON.parse(new SoftAuthenticator().assert(OPTIONS)) as { response: { authenticatorData: string; clientDataJSON: string; signature: string } };
    const signed = Buffer.concat([b64url(other.response.authenticatorData), createHash("sha256").update(b64url(other.response.clientDataJSON)).digest()]);
    expect(verify("sha256", signed, registeredKey(registration), b64url(other.response.signature))).toBe(false);
  });
});
