import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  BasicConstraints,
  Certificate,
  ExtKeyUsage,
  Extension,
  PublicKeyInfo,
  Time,
} from "pkijs";
import { OID } from "./oids.js";

export const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

/** A positive serial number of `size` random bytes in minimal DER form. */
export function randomSerial(size: number): asn1js.Integer {
  const bytes = randomBytes(size);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return new asn1js.Integer({ valueHex: new Uint8Array(bytes) });
}

function extension(extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType } | asn1js.AsnType): Extension {
  const schema = "toSchema" in value ? value.toSchema() : value;
  return new Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

/**
 * A self-signed TSA certificate for an in-process TSA (EC P-256, ECDSA-SHA256): CN as given, valid for `years`, with
 * the extensions RFC 3161 §2.3 asks of a TSA: extended key usage timeStamping only, critical; key usage
 * digitalSignature, critical; not a CA; a subject key identifier. Returns the key and the DER certificate.
 */
export function selfSignedTsaCertificate(commonName: string, notBefore: Date, years: number): { privateKey: KeyObject; der: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const name = [new AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: commonName }) })];
  const certificate = new Certificate();
  certificate.version = 2;
  certificate.serialNumber = randomSerial(16);
  certificate.issuer.typesAndValues.push(...name);
  certificate.subject.typesAndValues.push(...name);
  const start = new Date(Math.floor(notBefore.getTime() / 1000) * 1000); // whole seconds: RFC 5280 allows no fractions
  certificate.notBefore.value = start;
  const notAfter = new Date(start);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  certificate.notAfter = new Time({ type: notAfter.getUTCFullYear() >= 2050 ? 1 : 0, value: notAfter });
  certificate.subjectPublicKeyInfo = PublicKeyInfo.fromBER(spki);
  const keyId = createHash("sha1").update(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  const digitalSignature = new asn1js.BitString({ valueHex: new Uint8Array([0x80]), unusedBits: 7 });
  certificate.extensions = [
    extension("2.5.29.19", true, new BasicConstraints({ cA: false })),
    extension("2.5.29.15", true, digitalSignature),
    extension(OID.extKeyUsage, true, new ExtKeyUsage({ keyPurposes: [OID.timeStamping] })),
    extension("2.5.29.14", false, new asn1js.OctetString({ valueHex: new Uint8Array(keyId) })),
  ];
  const algorithm = new AlgorithmIdentifier({ algorithmId: ECDSA_WITH_SHA256 });
  certificate.signature = algorithm;
  certificate.signatureAlgorithm = algorithm;
  const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
  certificate.signatureValue = new asn1js.BitString({ valueHex: new Uint8Array(sign("sha256", tbs, privateKey)) });
  return { privateKey, der: new Uint8Array(certificate.toSchema(true).toBER(false)) };
}
