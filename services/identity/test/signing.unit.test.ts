import { given } from "@ihp/testing";
import { describe, it } from "vitest";
import { type CertificateRecord, type SigningEvent, signingDecider } from "../src/domain/signing/index.js";

const DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const AT = new Date("2026-03-02T02:00:00Z");
const certificate: CertificateRecord = {
  version: 1,
  serial: "serial-1",
  subjectId: DOCTOR,
  subjectName: "王医生",
  algorithm: "SM2_SM3",
  publicKey: "04ab",
  notBefore: "2026-01-01T00:00:00.000Z",
  notAfter: "2026-12-31T00:00:00.000Z",
  issuer: "IHP Local CA",
  issuerAlgorithm: "SM2_SM3",
  issuerSignature: "c2ln",
};
const enrolled: SigningEvent = { type: "SigningKeyEnrolled", data: { practitionerId: DOCTOR, certificate, sealedPrivateKey: "sealed" } };
const sign = {
  type: "RecordSignature" as const,
  practitionerId: DOCTOR,
  documentType: "PRESCRIPTION",
  documentId: "rx-1",
  documentHash: "00ff",
  serial: "serial-1",
  value: "MEUCIQ==",
  at: AT,
};
const revoked: SigningEvent = {
  type: "SigningCertificateRevoked",
  data: { practitionerId: DOCTOR, serial: "serial-1", reason: "key compromised", revokedAt: "2026-02-01T00:00:00.000Z" },
};

describe("signing", () => {
  it("IDN-09: records DocumentSigned with type, id, hash, serial and value under an active certificate", () => {
    given(signingDecider, [enrolled])
      .when(sign)
      .then([
        {
          type: "DocumentSigned",
          data: {
            practitionerId: DOCTOR,
            documentType: "PRESCRIPTION",
            documentId: "rx-1",
            documentHash: "00ff",
            certificateSerial: "serial-1",
            algorithm: "SM2_SM3",
            value: "MEUCIQ==",
            signedAt: AT.toISOString(),
          },
        },
      ]);
  });

  it("IDN-09: refuses with NO_VALID_SIGNING_CERT without a certificate, with an expired one, and with a revoked one", () => {
    given(signingDecider).when(sign).thenError("NO_VALID_SIGNING_CERT", "IDN-09");
    given(signingDecider, [enrolled]).when({ ...sign, at: new Date("2027-01-01T00:00:00Z") }).thenError("NO_VALID_SIGNING_CERT");
    given(signingDecider, [enrolled, revoked]).when(sign).thenError("NO_VALID_SIGNING_CERT");
  });

  it("IDN-09: revokes a held certificate once; an unknown serial is refused", () => {
    given(signingDecider, [enrolled])
      .when({ type: "RevokeSigningCertificate", practitionerId: DOCTOR, serial: "serial-1", reason: "key compromised", at: new Date("2026-02-01T00:00:00Z") })
      .then([revoked]);
    given(signingDecider, [enrolled, revoked])
      .when({ type: "RevokeSigningCertificate", practitionerId: DOCTOR, serial: "serial-1", reason: "again", at: AT })
      .then([]);
    given(signingDecider, [enrolled])
      .when({ type: "RevokeSigningCertificate", practitionerId: DOCTOR, serial: "nope", reason: "", at: AT })
      .thenError("CERTIFICATE_NOT_FOUND");
  });

  it("IDN-09: never files a certificate issued for someone else", () => {
    given(signingDecider)
      .when({ type: "EnrolSigningKey", practitionerId: "someone-else", certificate, sealedPrivateKey: "s", at: AT })
      .thenError("CERTIFICATE_UNKNOWN");
  });
});
