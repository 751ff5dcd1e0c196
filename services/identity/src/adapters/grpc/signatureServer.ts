import {
  Profession,
  SignatureAlgorithm,
  type Signature,
  type SignatureServiceServer,
  type SigningCertificate,
  type SigningKeyServiceServer,
} from "@ihp/contracts/identity";
import type { GrpcHandlers } from "@ihp/platform";
import type { CertificateView, SignatureRecord, Signatures } from "../../application/signing/signatures.js";
import { callerOf } from "./accessCaller.js";

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
  if (value === SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3) return "SM2_SM3";
  if (value === SignatureAlgorithm.SIGNATURE_ALGORITHM_ECDSA_P256_SHA256) return "ECDSA_P256_SHA256";
  return "";
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
    revokedAt: view.revokedAt,
  };
}

/** ihp.identity.v1.SignatureService (access.proto): signing by the practitioner in person, verification for anyone. */
export function signatureServer(options: { handlers: GrpcHandlers; signatures: Signatures; newId: () => string }): SignatureServiceServer {
  const { handlers, signatures, newId } = options;
  return {
    signDocument: handlers.unary(async (request, call) => {
      const record = await signatures.sign(callerOf(call, newId), {
        requestId: request.requestId,
        documentType: request.documentType,
        documentId: request.documentId,
        canonicalDocument: request.canonicalDocument,
      });
      return { signature: signatureToProto(record) };
    }),

    verifySignature: handlers.unary(async (request, call) => {
      const { signature } = request;
      return signatures.verify(callerOf(call, newId), {
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
        expectedSignerId: request.expectedSignerId,
      });
    }),
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
        algorithm: request.algorithm,
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
