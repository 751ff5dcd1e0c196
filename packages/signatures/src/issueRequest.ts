import { isSignatureAlgorithm } from "./algorithms.js";
import { type Certificate } from "./certificate.js";
import { CertificateAuthorityError, type IssueRequest } from "./certificateAuthority.js";
import { isValidPublicKey } from "./signatures.js";

/** Throws CA_REQUEST_INVALID unless the request can be certified as it stands. */
export function assertValidIssueRequest(request: IssueRequest): void {
  const problem = issueRequestProblem(request);
  if (problem !== undefined) throw new CertificateAuthorityError("CA_REQUEST_INVALID", problem);
}

function issueRequestProblem(request: IssueRequest): string | undefined {
  if (typeof request.subjectId !== "string" || request.subjectId.trim() === "") return "subjectId is empty";
  if (typeof request.subjectName !== "string" || request.subjectName.trim() === "") return "subjectName is empty";
  if (!isSignatureAlgorithm(request.algorithm)) return "unknown algorithm";
  if (!isValidPublicKey(request.algorithm, request.publicKey)) return "publicKey is not a point on the algorithm's curve";
  if (!isValidDate(request.notBefore) || !isValidDate(request.notAfter)) return "notBefore/notAfter must be valid dates";
  if (request.notAfter.getTime() <= request.notBefore.getTime()) return "notAfter must be after notBefore";
  return undefined;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Whether a certificate returned by a CA certifies exactly what was asked. */
export function certifiesRequest(cert: Certificate, request: IssueRequest): boolean {
  return (
    cert.subjectId === request.subjectId &&
    cert.subjectName === request.subjectName &&
    cert.algorithm === request.algorithm &&
    cert.publicKey.toLowerCase() === request.publicKey.toLowerCase() &&
    Date.parse(cert.notBefore) === request.notBefore.getTime() &&
    Date.parse(cert.notAfter) === request.notAfter.getTime()
  );
}
