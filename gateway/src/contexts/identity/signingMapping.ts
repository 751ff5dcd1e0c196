import {
  signatureAlgorithmFromJSON,
  type SigningCertificate,
  type VerifySignatureRequest,
} from "@ihp/contracts/identity";
import { GatewayError } from "../../errors/gatewayError.js";
import { enumValue, orNull } from "./enums.js";
import { professionOf } from "./mapping.js";

/** GraphQL type SigningCertificate. */
export interface SigningCertificateView {
  readonly practitionerId: string;
  readonly serial: string;
  readonly algorithm: string;
  readonly publicKey: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuer: string;
  readonly revokedAt: string | null;
}

export function signingCertificateView(certificate: SigningCertificate): SigningCertificateView {
  return {
    practitionerId: certificate.practitionerId,
    serial: certificate.serial,
    algorithm: certificate.algorithm,
    publicKey: certificate.publicKey,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuer: certificate.issuer,
    revokedAt: orNull(certificate.revokedAt),
  };
}

export interface VerifySignatureInput {
  readonly canonicalDocument: string;
  readonly signature: {
    readonly signerId: string;
    readonly signerProfession: string;
    readonly certificateSerial: string;
    readonly algorithm: string;
    readonly value: string;
    readonly signedAt: string;
    readonly documentHash: string;
  };
  readonly expectedSignerId?: string | null;
}

export function verifySignatureRequest(input: VerifySignatureInput): VerifySignatureRequest {
  const { signature } = input;
  return {
    canonicalDocument: base64(input.canonicalDocument),
    signature: {
      signerId: signature.signerId,
      signerProfession: professionOf(signature.signerProfession),
      certificateSerial: signature.certificateSerial,
      algorithm: enumValue(signatureAlgorithmFromJSON, "SIGNATURE_ALGORITHM_", signature.algorithm),
      value: base64(signature.value),
      signedAt: signature.signedAt,
      documentHash: base64(signature.documentHash),
    },
    expectedSignerId: input.expectedSignerId ?? "",
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict base64: Buffer.from silently drops characters it does not know, which would check a signature over other
 * bytes than the client meant. Refused as BAD_USER_INPUT instead.
 */
function base64(text: string): Buffer {
  if (!BASE64.test(text)) throw new GatewayError("BAD_USER_INPUT");
  return Buffer.from(text, "base64");
}
