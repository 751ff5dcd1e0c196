import { type ChannelCredentials, type Metadata, type CallOptions, type ServiceError } from "@grpc/grpc-js";
import {
  ClinicalAccessServiceClient,
  ClinicalObjectKind,
  InstitutionServiceClient,
  Profession,
  type Signature,
  SignatureAlgorithm,
  SignatureServiceClient,
  signatureAlgorithmFromJSON,
  signatureAlgorithmToJSON,
} from "@ihp/contracts/identity";
import { callDeadline, fromGrpcError, inProcessClientOptions, outgoingMetadata } from "@ihp/platform";
import type { StoredSignature } from "../../domain/consults/index.js";
import type { Caller } from "../../application/caller.js";
import type { IdentityPort } from "../../application/ports.js";

const CALL_MS = 5_000;

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/**
 * IdentityPort over identity's gRPC services. Each call forwards the caller's own token and the trace context, with
 * a deadline never later than the call being served; identity's refusals come back as RemoteErrors carrying its
 * stable codes, which consult passes on unchanged.
 */
/** Where identity expects the clinician's token on SignDocument (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";

export function grpcIdentity(
  address: string,
  credentials: ChannelCredentials,
  serviceToken: () => Promise<string> = () => Promise.reject(new Error("consult has no service token to submit documents for signing")),
): IdentityPort & { close(): void } {
  const institutions = new InstitutionServiceClient(address, credentials, inProcessClientOptions(address));
  const access = new ClinicalAccessServiceClient(address, credentials, inProcessClientOptions(address));
  const signatures = new SignatureServiceClient(address, credentials, inProcessClientOptions(address));

  function call<Req, Res>(caller: Caller, method: Unary<Req, Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method(request, outgoingMetadata({ token: caller.token }), callDeadline(CALL_MS, caller.deadline), (error, response) => {
        if (error !== null) reject(fromGrpcError(error));
        else resolve(response);
      });
    });
  }

  return {
    async institution(caller, institutionId) {
      const { institution } = await call(caller, institutions.getInstitution.bind(institutions), { institutionId });
      if (institution === undefined) throw new Error("identity answered GetInstitution without an institution");
      return {
        institutionId: institution.institutionId,
        jurisdiction: institution.jurisdiction,
        subjectCodes: institution.subjectCodes,
        regulatorConnected: institution.regulatorConnected,
      };
    },
    async checkReceiving(caller, check) {
      const response = await call(caller, access.checkReceiving.bind(access), check);
      return { practitionerId: response.practitionerId, stepUpId: response.stepUpId, sessionId: response.sessionId };
    },
    async verifiedPatient(caller, patientId) {
      const response = await call(caller, access.getVerifiedPatient.bind(access), { patientId });
      return { patientId: response.patientId, birthDate: response.birthDate, sex: response.sex, verificationMethod: response.verificationMethod };
    },
    async checkGuardian(caller, guardianId, childId) {
      const response = await call(caller, access.checkGuardian.bind(access), { guardianId, childId });
      return { verified: response.verified, relationship: response.relationship };
    },
    async sign(caller, request) {
      // Submitted by consult itself (its service token), signed by the person (their token as the signer's).
      const own = await serviceToken();
      const metadata = outgoingMetadata({ token: own });
      metadata.set(SIGNER_AUTHORIZATION, `Bearer ${caller.token}`);
      const { signature } = await new Promise<{ signature?: Signature | undefined }>((resolve, reject) => {
        signatures.signDocument(
          {
            requestId: request.requestId,
            documentType: request.documentType,
            documentId: request.documentId,
            canonicalDocument: Buffer.from(request.canonicalDocument, "utf8"),
            boundKind: request.boundTo.kind === "CONSULT" ? ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT : ClinicalObjectKind.CLINICAL_OBJECT_KIND_PATIENT,
            boundId: request.boundTo.id,
          },
          metadata,
          callDeadline(CALL_MS, caller.deadline),
          (error, response) => (error !== null ? reject(fromGrpcError(error)) : resolve(response)),
        );
      });
      if (signature === undefined) throw new Error("identity answered SignDocument without a signature");
      return storedSignature(signature);
    },
    async verify(caller, request) {
      const response = await call(caller, signatures.verifySignature.bind(signatures), {
        canonicalDocument: Buffer.from(request.canonicalDocument, "utf8"),
        signature: signatureMessage(request.signature),
        expectedSignerId: request.expectedSignerId,
      });
      return { valid: response.valid, reasonCode: response.reasonCode };
    },
    close() {
      institutions.close();
      access.close();
      signatures.close();
    },
  };
}

/** The contract's Signature as event data (JSON): bytes as base64 (value) and hex (hash), the algorithm by name. */
export function storedSignature(signature: Signature): StoredSignature {
  return {
    signerId: signature.signerId,
    certificateSerial: signature.certificateSerial,
    algorithm: signatureAlgorithmToJSON(signature.algorithm),
    value: Buffer.from(signature.value).toString("base64"),
    signedAt: signature.signedAt,
    documentHash: Buffer.from(signature.documentHash).toString("hex"),
  };
}

export function signatureMessage(signature: StoredSignature): Signature {
  const algorithm = signatureAlgorithmFromJSON(signature.algorithm);
  return {
    signerId: signature.signerId,
    signerProfession: Profession.PROFESSION_PHYSICIAN,
    certificateSerial: signature.certificateSerial,
    algorithm: algorithm === SignatureAlgorithm.UNRECOGNIZED ? SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED : algorithm,
    value: Buffer.from(signature.value, "base64"),
    signedAt: signature.signedAt,
    documentHash: Buffer.from(signature.documentHash, "hex"),
  };
}
