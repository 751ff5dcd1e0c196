import { enumValue } from "@ihp/contracts";
import { SignatureAlgorithm, type SigningCertificate, type VerifySignatureRequest } from "@ihp/contracts/identity";
import { GatewayError } from "../../errors/gatewayError.js";
import type * as Gql from "../../gen/graphql.js";
import { professionOf } from "./mapping.js";

export function signingCertificateView(certificate: SigningCertificate): Gql.SigningCertificate {
  return { ...certificate, revokedAt: certificate.revokedAt ?? null };
}

export function verifySignatureRequest(input: Gql.VerifySignatureInput): VerifySignatureRequest {
  const { signature } = input;
  return {
    canonicalDocument: base64(input.canonicalDocument),
    signature: {
      ...signature,
      signerProfession: professionOf(signature.signerProfession),
      algorithm: enumValue(SignatureAlgorithm, "SIGNATURE_ALGORITHM_", signature.algorithm),
      value: base64(signature.value),
      documentHash: base64(signature.documentHash),
    },
    expectedSignerId: input.expectedSignerId ?? undefined,
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
