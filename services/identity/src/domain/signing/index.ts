export type { EnrolSigningKey, RecordSignature, RevokeSigningCertificate, SigningCommand } from "./commands.js";
export { signingDecider } from "./decider.js";
export { isSigningEventType } from "./events.js";
export type {
  DocumentSigned,
  DocumentSignedData,
  SigningCertificateRevoked,
  SigningCertificateRevokedData,
  SigningEvent,
  SigningKeyEnrolled,
  SigningKeyEnrolledData,
} from "./events.js";
export { activeKey, isUsableAt, keyBySerial, MAX_DOCUMENT_BYTES, requireAlgorithm, requireDocument } from "./rules.js";
export { SIGNING_ALGORITHMS } from "./types.js";
export type { CertificateRecord, SigningAlgorithm, SigningKey, SigningKeys } from "./types.js";
