import { isSignatureAlgorithm, type SignatureAlgorithmName } from "./algorithms.js";
import { decodeBase64 } from "./bytes.js";
import { isValidPublicKey, verifyMessage } from "./signatures.js";

/** The platform's certificate of a practitioner's signing key, signed by the issuing CA. */
export interface Certificate {
  readonly version: 1;
  /** Unique per CA, e.g. 32 hex characters. */
  readonly serial: string;
  /** Practitioner id. */
  readonly subjectId: string;
  /** Display name of the holder (public, as on the 执业证书). */
  readonly subjectName: string;
  readonly algorithm: SignatureAlgorithmName;
  /** Uncompressed point hex "04" + x + y. */
  readonly publicKey: string;
  /** RFC 3339. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** CA name. */
  readonly issuer: string;
  readonly issuerAlgorithm: SignatureAlgorithmName;
  /** Base64 DER signature over certificateToBeSigned(cert). */
  readonly issuerSignature: string;
}

/** What a relying party needs to check certificates offline. */
export interface TrustAnchor {
  readonly name: string;
  readonly algorithm: SignatureAlgorithmName;
  readonly publicKey: string;
}

export type CertificateCheck =
  | "OK"
  | "CERTIFICATE_UNKNOWN_ISSUER"
  | "CERTIFICATE_SIGNATURE_INVALID"
  | "CERTIFICATE_NOT_YET_VALID"
  | "CERTIFICATE_EXPIRED";

const SIGNED_FIELDS = [
  "algorithm",
  "issuer",
  "issuerAlgorithm",
  "notAfter",
  "notBefore",
  "publicKey",
  "serial",
  "subjectId",
  "subjectName",
  "version",
] as const;

/**
 * The bytes the CA signs: UTF-8 canonical JSON (keys sorted, no white space) of exactly the fields above. Fields
 * are picked by name, so a full Certificate (with issuerSignature) or an object with extra members gives the same
 * bytes; the encoding equals @ihp/eventsourcing's canonicalJson of that object.
 */
export function certificateToBeSigned(cert: Omit<Certificate, "issuerSignature">): Uint8Array {
  const members = SIGNED_FIELDS.map((field) => `${JSON.stringify(field)}:${JSON.stringify(cert[field])}`);
  return new TextEncoder().encode(`{${members.join(",")}}`);
}

/**
 * Checks the issuer's signature against the trust anchor, then validity at `at` (notBefore and notAfter are both
 * inclusive). Revocation is not part of this check: the holder's certificate status lives with the identity
 * service. A structurally malformed certificate cannot have been issued by the anchor and yields
 * CERTIFICATE_SIGNATURE_INVALID.
 */
export function checkCertificate(cert: Certificate, anchor: TrustAnchor, at: Date): CertificateCheck {
  if (typeof cert !== "object" || cert === null) return "CERTIFICATE_SIGNATURE_INVALID";
  if (cert.issuer !== anchor.name || cert.issuerAlgorithm !== anchor.algorithm) return "CERTIFICATE_UNKNOWN_ISSUER";
  if (!isWellFormed(cert)) return "CERTIFICATE_SIGNATURE_INVALID";
  if (!issuerSignatureVerifies(cert, anchor)) return "CERTIFICATE_SIGNATURE_INVALID";
  const now = at.getTime();
  if (now < Date.parse(cert.notBefore)) return "CERTIFICATE_NOT_YET_VALID";
  if (now > Date.parse(cert.notAfter) || Number.isNaN(now)) return "CERTIFICATE_EXPIRED";
  return "OK";
}

// Every document verification checks the signer's certificate, so without this the CA's signature over the same
// certificate would be verified again for each document. Whether it verifies depends only on the anchor's key, the
// signed bytes and the signature, all of which are the cache key: only successes are kept, bounded (LRU).
const VERIFIED_CERTIFICATES_SIZE = 1024;
const verifiedCertificates = new Set<string>();

function issuerSignatureVerifies(cert: Certificate, anchor: TrustAnchor): boolean {
  const toBeSigned = certificateToBeSigned(cert);
  const key = `${anchor.algorithm}\n${anchor.publicKey.toLowerCase()}\n${cert.issuerSignature}\n${new TextDecoder().decode(toBeSigned)}`;
  if (verifiedCertificates.has(key)) {
    verifiedCertificates.delete(key);
    verifiedCertificates.add(key);
    return true;
  }
  const signature = decodeBase64(cert.issuerSignature);
  if (signature === undefined || !verifyMessage(anchor.algorithm, anchor.publicKey, toBeSigned, signature)) return false;
  verifiedCertificates.add(key);
  if (verifiedCertificates.size > VERIFIED_CERTIFICATES_SIZE) {
    const oldest = verifiedCertificates.values().next().value;
    if (oldest !== undefined) verifiedCertificates.delete(oldest);
  }
  return true;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function isWellFormed(cert: Certificate): boolean {
  const strings = [cert.serial, cert.subjectId, cert.subjectName, cert.publicKey, cert.notBefore, cert.notAfter, cert.issuer];
  return (
    cert.version === 1 &&
    strings.every((value) => typeof value === "string") &&
    typeof cert.issuerSignature === "string" &&
    isSignatureAlgorithm(cert.algorithm) &&
    isValidPublicKey(cert.algorithm, cert.publicKey) &&
    isTimestamp(cert.notBefore) &&
    isTimestamp(cert.notAfter)
  );
}

export function isTimestamp(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}
