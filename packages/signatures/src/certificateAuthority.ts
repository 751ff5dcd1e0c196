import { type SignatureAlgorithmName } from "./algorithms.js";
import { type Certificate, type TrustAnchor } from "./certificate.js";

export interface IssueRequest {
  readonly subjectId: string;
  readonly subjectName: string;
  readonly algorithm: SignatureAlgorithmName;
  readonly publicKey: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Port for certificate issuance: the embedded local CA, or an HTTP adapter to a licensed CA in production. */
export interface CertificateAuthority {
  readonly name: string;
  issue(request: IssueRequest): Promise<Certificate>;
  revoke(serial: string, reason: string, at: Date): Promise<void>;
  /** CA public key and algorithm, for offline checks of certificates. */
  trustAnchor(): TrustAnchor;
}

export type CertificateAuthorityErrorCode =
  /** The request is malformed (bad public key, empty subject, notAfter not after notBefore, ...). */
  | "CA_REQUEST_INVALID"
  /** The CA refused the request (4xx other than not found / auth). */
  | "CA_REJECTED"
  /** The serial is unknown to the CA. */
  | "CA_CERTIFICATE_NOT_FOUND"
  /** Network failure, timeout, 5xx, or failed client authentication. */
  | "CA_UNAVAILABLE"
  /** The CA answered with something that is not a certificate it validly signed for this request. */
  | "CA_RESPONSE_INVALID";

export class CertificateAuthorityError extends Error {
  override readonly name = "CertificateAuthorityError";
  constructor(
    readonly code: CertificateAuthorityErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
