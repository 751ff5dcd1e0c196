import { createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as asn1js from "asn1js";
import {
  AlgorithmIdentifier,
  Attribute,
  ContentInfo,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  MessageImprint,
  SignedAndUnsignedAttributes,
  SignedData,
  SignerInfo,
  TSTInfo,
  Accuracy,
} from "pkijs";
import type { Digest, TimestampAuthority, TimestampToken, VerifiedTimestamp } from "../port.js";
import { OID } from "./oids.js";
import { ECDSA_WITH_SHA256, randomSerial, selfSignedTsaCertificate } from "./selfSignedTsa.js";
import { readTsaCertificate, type TsaCertificate } from "./tsaCertificate.js";
import { checkDigest, verifyRfc3161Token } from "./verify.js";

export interface InProcessTsaOptions {
  /** Folder for the TSA's key (tsa-key.pem, mode 600) and certificate (tsa-cert.pem); created on first open. */
  readonly folder: string;
  /** The clock that dates tokens: the server's own clock. */
  readonly now?: () => Date;
  /** TSA policy OID written into tokens. */
  readonly policy?: string;
}

/** The policy OID of tokens from the in-process TSA (a private arc: "issued by the platform itself"). */
export const IN_PROCESS_TSA_POLICY = "1.3.6.1.4.1.99999.3161.1";

/**
 * An RFC 3161 TSA inside the process, for the embedded runner, demos and end-to-end tests: it issues real tokens
 * (CMS SignedData over TSTInfo, ESS signing-certificate-v2, ECDSA P-256) that `verifyRfc3161Token` and
 * `openssl ts -verify` accept, signed with a key and self-signed certificate kept in its folder.
 *
 * It dates with the server's own clock, so it proves only that the server had the hash at its time, not an
 * independent time source: REC-07's trusted timestamp needs an external TSA (HttpRfc3161Authority) in production.
 */
export class InProcessTsa implements TimestampAuthority {
  readonly profile = "RFC3161" as const;

  private constructor(
    private readonly key: KeyObject,
    private readonly cert: TsaCertificate,
    private readonly now: () => Date,
    private readonly policy: string,
  ) {}

  /** Loads the key and certificate from the folder, or makes them on first use. */
  static async open(options: InProcessTsaOptions): Promise<InProcessTsa> {
    const now = options.now ?? (() => new Date());
    const keyFile = join(options.folder, "tsa-key.pem");
    const certFile = join(options.folder, "tsa-cert.pem");
    let keyPem: string;
    let certPem: string;
    try {
      [keyPem, certPem] = await Promise.all([readFile(keyFile, "utf8"), readFile(certFile, "utf8")]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const notBefore = new Date(now().getTime() - 86_400_000);
      const { privateKey, der } = selfSignedTsaCertificate("IHP in-process TSA", notBefore, 30);
      keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      certPem = pem(der);
      await mkdir(options.folder, { recursive: true, mode: 0o700 });
      await writeFile(keyFile, keyPem, { mode: 0o600, flag: "wx" });
      await chmod(keyFile, 0o600);
      await writeFile(certFile, certPem, { flag: "wx" });
    }
    return new InProcessTsa(createPrivateKey(keyPem), readTsaCertificate(certPem), now, options.policy ?? IN_PROCESS_TSA_POLICY);
  }

  /** The TSA certificate (PEM), for anyone who verifies its tokens. */
  get certificatePem(): string {
    return pem(this.cert.der);
  }

  stamp(digest: Digest): Promise<TimestampToken> {
    return Promise.resolve().then(() => {
      checkDigest(digest);
      const token = this.issue(digest, this.now());
      const { nonce: _nonce, ...verified } = verifyRfc3161Token(token, digest, this.cert);
      return { ...verified, token };
    });
  }

  verify(token: Uint8Array, digest: Digest): Promise<VerifiedTimestamp> {
    return Promise.resolve().then(() => {
      const { nonce: _nonce, ...verified } = verifyRfc3161Token(token, digest, this.cert);
      return verified;
    });
  }

  private issue(digest: Digest, genTime: Date): Uint8Array {
    const sha256 = new AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
    const tstInfo = new TSTInfo({
      version: 1,
      policy: this.policy,
      messageImprint: new MessageImprint({ hashAlgorithm: sha256, hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest.value) }) }),
      serialNumber: randomSerial(16),
      genTime: new Date(Math.floor(genTime.getTime() / 1000) * 1000),
      accuracy: new Accuracy({ seconds: 1 }),
    });
    const eContent = new Uint8Array(tstInfo.toSchema().toBER(false));
    const essCertIdV2 = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({
          value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: new Uint8Array(createHash("sha256").update(this.cert.der).digest()) })] })],
        }),
      ],
    });
    const signedAttrs = new SignedAndUnsignedAttributes({
      type: 0,
      attributes: [
        new Attribute({ type: OID.contentTypeAttr, values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })] }),
        new Attribute({ type: OID.messageDigestAttr, values: [new asn1js.OctetString({ valueHex: new Uint8Array(createHash("sha256").update(eContent).digest()) })] }),
        new Attribute({ type: OID.signingCertificateV2, values: [essCertIdV2] }),
      ],
    });
    const toSign = new Uint8Array(signedAttrs.toSchema().toBER(false));
    toSign[0] = 0x31; // signed over the SET OF encoding (RFC 5652 §5.4), not the [0] IMPLICIT tag
    const signerInfo = new SignerInfo({
      version: 1,
      sid: new IssuerAndSerialNumber({ issuer: this.cert.pkijs.issuer, serialNumber: this.cert.pkijs.serialNumber }),
      digestAlgorithm: sha256,
      signedAttrs,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithmId: ECDSA_WITH_SHA256 }),
      signature: new asn1js.OctetString({ valueHex: new Uint8Array(sign("sha256", toSign, this.key)) }),
    });
    const signedData = new SignedData({
      version: 3,
      digestAlgorithms: [sha256],
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.tstInfo, eContent: new asn1js.OctetString({ valueHex: eContent }) }),
      certificates: [this.cert.pkijs],
      signerInfos: [signerInfo],
    });
    const contentInfo = new ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
    return new Uint8Array(contentInfo.toSchema().toBER(false));
  }
}

function pem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}
