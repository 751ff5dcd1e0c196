import { createHash, verify as verifySignature } from "node:crypto";
import * as asn1js from "asn1js";
import { ContentInfo, IssuerAndSerialNumber, SignedData, TSTInfo, type SignerInfo } from "pkijs";
import { TimestampError } from "../errors.js";
import type { Digest, VerifiedTimestamp } from "../port.js";
import { HASH_BY_OID, OID, SIGNATURE_ALGORITHMS } from "./oids.js";
import { essNamesCertificate, type TsaCertificate } from "./tsaCertificate.js";

/** The RFC 3161 adapter dates SHA-256 digests; an SM3 digest belongs to a GM/T 0033 adapter. */
export function checkDigest(digest: Digest): void {
  if (digest.algorithm !== "SHA-256") {
    throw new TimestampError("TIMESTAMP_DIGEST_UNSUPPORTED", `This TSA adapter dates SHA-256 digests, not ${String(digest.algorithm)}.`);
  }
  if (!(digest.value instanceof Uint8Array) || digest.value.byteLength !== 32) {
    throw new TimestampError("TIMESTAMP_DIGEST_INVALID", "A SHA-256 digest is 32 bytes.");
  }
}

export interface CheckedToken extends VerifiedTimestamp {
  /** The request nonce echoed by the TSA, hex, or null. */
  readonly nonce: string | null;
}

function invalid(reason: string, cause?: unknown): TimestampError {
  return new TimestampError("TIMESTAMP_TOKEN_INVALID", `The timestamp token is not valid: ${reason}.`, { cause });
}

const hex = (view: Uint8Array): string => Buffer.from(view).toString("hex");

/**
 * Verifies an RFC 3161 TimeStampToken against one TSA certificate and one digest: a CMS SignedData over a TSTInfo,
 * signed by exactly that certificate (signer id, ESS signing-certificate attribute, signature), with the content
 * digest attribute matching, genTime inside the certificate's validity, and the message imprint equal to the digest.
 * Certificates carried in the token are ignored: only the configured one can sign.
 */
export function verifyRfc3161Token(token: Uint8Array, digest: Digest, cert: TsaCertificate): CheckedToken {
  checkDigest(digest);
  let signedData: SignedData;
  let tstInfo: TSTInfo;
  let eContent: Uint8Array;
  try {
    const contentInfo = ContentInfo.fromBER(token);
    if (contentInfo.contentType !== OID.signedData) throw new Error("not a CMS SignedData");
    signedData = new SignedData({ schema: contentInfo.content });
    if (signedData.encapContentInfo.eContentType !== OID.tstInfo || !signedData.encapContentInfo.eContent) {
      throw new Error("the signed content is not a TSTInfo");
    }
    eContent = new Uint8Array(signedData.encapContentInfo.eContent.getValue());
    tstInfo = TSTInfo.fromBER(eContent);
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw invalid("unreadable structure", error);
  }
  if (signedData.signerInfos.length !== 1) throw invalid("it must have exactly one signer");
  const signer = signedData.signerInfos[0]!;
  const hash = checkSigner(signer, cert);
  checkSignedAttributes(signer, cert, hash, eContent);
  checkSignature(signer, cert, hash);

  if (tstInfo.genTime < cert.notBefore || tstInfo.genTime > cert.notAfter) {
    throw invalid(`its time ${tstInfo.genTime.toISOString()} lies outside the TSA certificate's validity`);
  }
  const imprint = tstInfo.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== OID.sha256 || !Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(digest.value)) {
    throw new TimestampError("TIMESTAMP_MISMATCH", "The timestamp token dates another digest than the one given.");
  }
  return {
    profile: "RFC3161",
    genTime: tstInfo.genTime,
    serialNumber: hex(tstInfo.serialNumber.valueBlock.valueHexView),
    policy: tstInfo.policy,
    digest: { algorithm: "SHA-256", value: new Uint8Array(digest.value) },
    nonce: tstInfo.nonce ? hex(tstInfo.nonce.valueBlock.valueHexView) : null,
  };
}

/** The signer must be the configured certificate; returns the node name of the signer's digest algorithm. */
function checkSigner(signer: SignerInfo, cert: TsaCertificate): string {
  const sid: unknown = signer.sid;
  const named =
    sid instanceof IssuerAndSerialNumber
      ? sid.issuer.isEqual(cert.pkijs.issuer) && sid.serialNumber.isEqual(cert.pkijs.serialNumber)
      : subjectKeyIdMatches(sid, cert);
  if (!named) throw invalid("it is not signed by the configured TSA certificate");
  const hash = HASH_BY_OID[signer.digestAlgorithm.algorithmId];
  if (hash === undefined || hash === "sha1") throw invalid(`unsupported digest algorithm ${signer.digestAlgorithm.algorithmId}`);
  const implied = SIGNATURE_ALGORITHMS[signer.signatureAlgorithm.algorithmId];
  if (implied === undefined) throw invalid(`unsupported signature algorithm ${signer.signatureAlgorithm.algorithmId}`);
  if (implied !== null && implied !== hash) throw invalid("the signature and digest algorithms disagree");
  return hash;
}

function subjectKeyIdMatches(sid: unknown, cert: TsaCertificate): boolean {
  const block = sid as asn1js.Constructed | asn1js.Primitive;
  const keyId = block.idBlock?.isConstructed
    ? (block as asn1js.Constructed).valueBlock.value[0]?.valueBlock.valueBeforeDecodeView
    : (block as asn1js.Primitive).valueBlock?.valueHexView;
  const ski = cert.pkijs.extensions?.find((extension) => extension.extnID === "2.5.29.14");
  const expected = ski ? (ski.parsedValue as asn1js.OctetString).valueBlock.valueHexView : undefined;
  return keyId !== undefined && expected !== undefined && Buffer.from(keyId).equals(Buffer.from(expected));
}

function checkSignedAttributes(signer: SignerInfo, cert: TsaCertificate, hash: string, eContent: Uint8Array): void {
  const attributes = signer.signedAttrs?.attributes ?? [];
  const value = (type: string): asn1js.AsnType | undefined =>
    attributes.find((attribute) => attribute.type === type)?.values[0] as asn1js.AsnType | undefined;
  const contentType = value(OID.contentTypeAttr);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== OID.tstInfo) {
    throw invalid("its content-type attribute is not TSTInfo");
  }
  const messageDigest = value(OID.messageDigestAttr);
  const expected = createHash(hash).update(eContent).digest();
  if (!(messageDigest instanceof asn1js.OctetString) || !Buffer.from(messageDigest.valueBlock.valueHexView).equals(expected)) {
    throw invalid("its message-digest attribute does not match the TSTInfo");
  }
  const v2 = value(OID.signingCertificateV2);
  const v1 = value(OID.signingCertificate);
  const named = v2 !== undefined ? essNamesCertificate(v2, cert, true) : v1 !== undefined && essNamesCertificate(v1, cert, false);
  if (!named) throw invalid("its ESS signing-certificate attribute does not name the TSA certificate");
}

function checkSignature(signer: SignerInfo, cert: TsaCertificate, hash: string): void {
  const signed = signer.signedAttrs?.encodedValue;
  if (!signed || signed.byteLength === 0) throw invalid("it has no signed attributes");
  let ok = false;
  try {
    ok = verifySignature(hash, new Uint8Array(signed), cert.node.publicKey, signer.signature.valueBlock.valueHexView);
  } catch (error) {
    throw invalid("the signature cannot be checked with the TSA certificate's key", error);
  }
  if (!ok) throw invalid("the TSA's signature does not verify");
}
