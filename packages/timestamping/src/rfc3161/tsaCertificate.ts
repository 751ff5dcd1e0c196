import { X509Certificate, createHash } from "node:crypto";
import * as asn1js from "asn1js";
import { Certificate } from "pkijs";
import { TimestampError } from "../errors.js";
import { OID } from "./oids.js";

/** A TSA certificate, parsed once: the parts verification needs. */
export interface TsaCertificate {
  readonly der: Uint8Array;
  readonly pkijs: Certificate;
  readonly node: X509Certificate;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Reads a TSA certificate (PEM or DER) and checks what RFC 3161 §2.3 requires of it: an extended key usage
 * extension, marked critical, with id-kp-timeStamping as its only purpose.
 */
export function readTsaCertificate(pemOrDer: string | Uint8Array): TsaCertificate {
  let node: X509Certificate;
  let pkijsCert: Certificate;
  try {
    node = new X509Certificate(typeof pemOrDer === "string" ? pemOrDer : Buffer.from(pemOrDer));
    pkijsCert = Certificate.fromBER(new Uint8Array(node.raw));
  } catch (error) {
    throw new TimestampError("TSA_CERTIFICATE_INVALID", "The TSA certificate is not a readable X.509 certificate.", { cause: error });
  }
  const eku = pkijsCert.extensions?.find((extension) => extension.extnID === OID.extKeyUsage);
  const purposes = (eku?.parsedValue as { keyPurposes?: string[] } | undefined)?.keyPurposes ?? [];
  if (eku === undefined || !eku.critical || purposes.length !== 1 || purposes[0] !== OID.timeStamping) {
    throw new TimestampError(
      "TSA_CERTIFICATE_INVALID",
      `The TSA certificate (serial ${node.serialNumber}) must carry a critical extended key usage of timeStamping only (RFC 3161 §2.3).`,
    );
  }
  return { der: new Uint8Array(node.raw), pkijs: pkijsCert, node, notBefore: new Date(node.validFrom), notAfter: new Date(node.validTo) };
}

/** Whether an ESS signing-certificate attribute (v1: SHA-1; v2: its algorithm, SHA-256 by default) names this certificate. */
export function essNamesCertificate(attributeValue: asn1js.AsnType, cert: TsaCertificate, v2: boolean): boolean {
  const certs = (attributeValue as asn1js.Sequence).valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const first = certs?.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const parts = first?.valueBlock?.value ?? [];
  let hash = v2 ? "sha256" : "sha1";
  let index = 0;
  if (v2 && parts[0] instanceof asn1js.Sequence) {
    const oid = (parts[0].valueBlock.value[0] as asn1js.ObjectIdentifier | undefined)?.valueBlock.toString();
    const named = { [OID.sha256]: "sha256", [OID.sha384]: "sha384", [OID.sha512]: "sha512" }[oid ?? ""];
    if (named === undefined) return false;
    hash = named;
    index = 1;
  }
  const certHash = parts[index];
  if (!(certHash instanceof asn1js.OctetString)) return false;
  const expected = createHash(hash).update(cert.der).digest();
  return Buffer.from(certHash.valueBlock.valueHexView).equals(expected);
}
