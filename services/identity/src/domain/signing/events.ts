import type { DomainEvent } from "@ihp/eventsourcing";
import type { CertificateRecord, SigningAlgorithm } from "./types.js";

export type SigningKeyEnrolledData = {
  readonly practitionerId: string;
  readonly certificate: CertificateRecord;
  readonly sealedPrivateKey: string;
};
export type SigningCertificateRevokedData = {
  readonly practitionerId: string;
  readonly serial: string;
  readonly reason: string;
  readonly revokedAt: string;
};
export type DocumentSignedData = {
  readonly practitionerId: string;
  readonly documentType: string;
  readonly documentId: string;
  readonly documentHash: string;
  readonly certificateSerial: string;
  readonly algorithm: SigningAlgorithm;
  readonly value: string;
  readonly signedAt: string;
};

export type SigningKeyEnrolled = DomainEvent<"SigningKeyEnrolled", SigningKeyEnrolledData>;
export type SigningCertificateRevoked = DomainEvent<"SigningCertificateRevoked", SigningCertificateRevokedData>;
export type DocumentSigned = DomainEvent<"DocumentSigned", DocumentSignedData>;
export type SigningEvent = SigningKeyEnrolled | SigningCertificateRevoked | DocumentSigned;

const TYPES: ReadonlySet<string> = new Set<SigningEvent["type"]>(["SigningKeyEnrolled", "SigningCertificateRevoked", "DocumentSigned"]);

export function isSigningEventType(type: string): type is SigningEvent["type"] {
  return TYPES.has(type);
}
