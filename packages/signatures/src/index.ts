export { isSignatureAlgorithm, SIGNATURE_ALGORITHMS, SM2_DEFAULT_USER_ID, type SignatureAlgorithmName } from "./algorithms.js";
export {
  documentHash,
  generateKeyPair,
  isValidPublicKey,
  publicKeyOf,
  signMessage,
  verifyMessage,
  type KeyPair,
} from "./signatures.js";
export { sm3 } from "./sm3.js";
export {
  certificateToBeSigned,
  checkCertificate,
  type Certificate,
  type CertificateCheck,
  type TrustAnchor,
} from "./certificate.js";
export {
  CertificateAuthorityError,
  type CertificateAuthority,
  type CertificateAuthorityErrorCode,
  type IssueRequest,
} from "./certificateAuthority.js";
export {
  LocalCertificateAuthority,
  type LocalCertificateAuthorityOptions,
  type Revocation,
} from "./localCertificateAuthority.js";
export { HttpCertificateAuthority, type HttpCertificateAuthorityOptions } from "./httpCertificateAuthority.js";
export { KeyVaultError, LocalKeyVault, type LocalKeyVaultOptions } from "./keyVault.js";
