import {
  Profession,
  SignatureAlgorithm,
  SignatureRejection,
  type Signature,
  type SignatureServiceServer,
  type SigningCertificate,
  type SigningKeyServiceServer,
} from "@ihp/contracts/identity";
import { enumName, enumValue, unlessEmpty } from "@ihp/contracts";
import type { GrpcHandlers, PrincipalResolver } from "@ihp/platform";
import type { CertificateView, SignatureRecord, Signatures, VerifyReason } from "../../application/signing/signatures.js";
import { callerOf, forwardedClinicianOf } from "./accessCaller.js";
import { objectKindName } from "./sessionServer.js";

const PROFESSIONS = {
  PHYSICIAN: Profession.PROFESSION_PHYSICIAN,
  NURSE: Profession.PROFESSION_NURSE,
  PHARMACIST: Profession.PROFESSION_PHARMACIST,
} as const;

export function algorithmToProto(name: string): SignatureAlgorithm {
  if (name === "SM2_SM3") return SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3;
  if (name === "ECDSA_P256_SHA256") return SignatureAlgorithm.SIGNATURE_ALGORITHM_ECDSA_P256_SHA256;
  return SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED;
}

function algorithmFromProto(value: SignatureAlgorithm): string {
  return enumName("SIGNATURE_ALGORITHM_", value) ?? "";
}

function signatureToProto(record: SignatureRecord): Signature {
  return {
    signerId: record.signerId,
    signerProfession: PROFESSIONS[record.profession],
    certificateSerial: record.certificateSerial,
    algorithm: algorithmToProto(record.algorithm),
    value: record.value,
    signedAt: record.signedAt,
    documentHash: record.documentHash,
  };
}

function certificateToProto(view: CertificateView): SigningCertificate {
  const { certificate } = view;
  return {
    practitionerId: view.practitionerId,
    serial: certificate.serial,
    algorithm: certificate.algorithm,
    publicKey: certificate.publicKey,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuer: certificate.issuer,
    revokedAt: unlessEmpty(view.revokedAt),
  };
}

/**
 * ihp.identity.v1.SignatureService (access.proto): signing of a document the owning service submits (its token in
 * `authorization`) by the clinician in person (their token in x-ihp-signer-authorization); verification for anyone.
 */
export function signatureServer(options: {
  handlers: GrpcHandlers;
  signatures: Signatures;
  newId: () => string;
  verifier: PrincipalResolver;
}): SignatureServiceServer {
  const { handlers, signatures, newId, verifier } = options;
  return {
    signDocument: handlers.unary(async (request, call) => {
      const signer = await forwardedClinicianOf(call, verifier, newId);
      const { signature, verification } = await signatures.sign(callerOf(call, newId), signer, {
        requestId: request.requestId,
        documentType: request.documentType,
        documentId: request.documentId,
        canonicalDocument: request.canonicalDocument,
        boundKind: objectKindName(request.boundKind),
        boundId: request.boundId,
      });
      return { signature: signatureToProto(signature), verification: verdictToProto(verification) };
    }),

    verifySignature: handlers.unary(async (request, call) => {
      const { signature } = request;
      const verdict = await signatures.verify(callerOf(call, newId), {
        canonicalDocument: request.canonicalDocument,
        signature:
          signature === undefined
            ? undefined
            : {
                signerId: signature.signerId,
                certificateSerial: signature.certificateSerial,
                algorithm: algorithmFromProto(signature.algorithm),
                value: signature.value,
                signedAt: signature.signedAt,
                documentHash: signature.documentHash,
              },
        expectedSignerId: request.expectedSignerId ?? "",
      });
      return verdictToProto(verdict);
    }),
  };
}

function verdictToProto({ valid, reasonCode }: { valid: boolean; reasonCode: VerifyReason | "" }) {
  return {
    valid,
    reasonCode: reasonCode === "" ? SignatureRejection.SIGNATURE_REJECTION_UNSPECIFIED : enumValue(SignatureRejection, "SIGNATURE_REJECTION_", reasonCode),
  };
}

/** ihp.identity.v1.SigningKeyService (sessions.proto): key enrolment and revocation by administrators. */
export function signingKeyServer(options: { handlers: GrpcHandlers; signatures: Signatures; newId: () => string }): SigningKeyServiceServer {
  const { handlers, signatures, newId } = options;
  return {
    enrolSigningKey: handlers.unary(async (request, call) => {
      const view = await signatures.enrol(callerOf(call, newId), {
        requestId: request.requestId,
        practitionerId: request.practitionerId,
        algorithm: algorithmFromProto(request.algorithm),
      });
      return { certificate: certificateToProto(view) };
    }),

    revokeSigningCertificate: handlers.unary(async (request, call) => {
      const view = await signatures.revoke(callerOf(call, newId), {
        requestId: request.requestId,
        practitionerId: request.practitionerId,
        serial: request.serial,
        reason: request.reason,
      });
      return { certificate: certificateToProto(view) };
    }),
  };
}
