import type { CertificateRecord } from "./types.js";

export interface EnrolSigningKey {
  readonly type: "EnrolSigningKey";
  readonly practitionerId: string;
  readonly certificate: CertificateRecord;
  readonly sealedPrivateKey: string;
  readonly at: Date;
}

export interface RevokeSigningCertificate {
  readonly type: "RevokeSigningCertificate";
  readonly practitionerId: string;
  readonly serial: string;
  readonly reason: string;
  readonly at: Date;
}

/** Records a signature the application made with the key of `serial` (chosen by activeKey on the same state). */
export interface RecordSignature {
  readonly type: "RecordSignature";
  readonly practitionerId: string;
  readonly documentType: string;
  readonly documentId: string;
  /** Hex of SHA-256 or SM3 of the canonical document, per algorithm. */
  readonly documentHash: string;
  readonly serial: string;
  /** Base64 of the DER signature. */
  readonly value: string;
  readonly at: Date;
}

export type SigningCommand = EnrolSigningKey | RevokeSigningCertificate | RecordSignature;
