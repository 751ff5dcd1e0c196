import type { ChannelCredentials } from "@grpc/grpc-js";
import { enumName } from "@ihp/contracts";
import {
  ClinicalAccessServiceService,
  ClinicalObjectKind,
  InstitutionServiceService,
  Profession,
  sexCode,
  type Signature,
  SignatureAlgorithm,
  type SignatureRejection,
  SignatureServiceService,
  signatureAlgorithmFromJSON,
  signatureAlgorithmToJSON,
} from "@ihp/contracts/identity";
import { type CallScope, fromGrpcError, serviceClient } from "@ihp/platform";
import type { StoredSignature } from "../../domain/consults/index.js";
import type { Caller } from "../../application/caller.js";
import type { IdentityPort } from "../../application/ports.js";

const CALL_MS = 5_000;

/** Where identity expects the clinician's token on SignDocument and CheckSession (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";

/**
 * IdentityPort over identity's gRPC services. Each call forwards the caller's own token and the trace context, with
 * a deadline never later than the call being served; identity's refusals come back as RemoteErrors carrying its
 * stable codes, which consult passes on unchanged.
 */
export function grpcIdentity(
  address: string,
  credentials: ChannelCredentials,
  serviceToken: () => Promise<string> = () => Promise.reject(new Error("consult has no service token to ask identity on a clinician's behalf")),
): IdentityPort & { close(): void } {
  const options = { mapError: fromGrpcError };
  const institutions = serviceClient(InstitutionServiceService, address, credentials, options);
  const access = serviceClient(ClinicalAccessServiceService, address, credentials, options);
  const signatures = serviceClient(SignatureServiceService, address, credentials, options);
  const as = (caller: Caller): CallScope => ({ token: caller.token, timeoutMs: CALL_MS, parentDeadline: caller.deadline });
  /** Asked by consult itself (its service token) for the person (their token as the signer's). */
  const onBehalfOf = async (caller: Caller): Promise<CallScope> => ({ ...as(caller), token: await serviceToken(), headers: { [SIGNER_AUTHORIZATION]: `Bearer ${caller.token}` } });

  return {
    async institution(caller, institutionId) {
      const { institution } = await institutions.getInstitution({ institutionId }, as(caller));
      if (institution === undefined) throw new Error("identity answered GetInstitution without an institution");
      return {
        institutionId: institution.institutionId,
        jurisdiction: institution.jurisdiction,
        subjectCodes: institution.subjectCodes,
        regulatorConnected: institution.regulatorConnected,
      };
    },
    async checkReceiving(caller, check) {
      const response = await access.checkReceiving(check, as(caller));
      return { practitionerId: response.practitionerId, stepUpId: response.stepUpId, sessionId: response.sessionId, regulatorConnected: response.regulatorConnected };
    },
    async checkSession(caller) {
      await access.checkSession({}, await onBehalfOf(caller));
    },
    async verifiedPatient(caller, patientId) {
      const response = await access.getVerifiedPatient({ patientId }, as(caller));
      const verificationMethod = enumName("PATIENT_VERIFICATION_METHOD_", response.verificationMethod) ?? "";
      return { patientId: response.patientId, birthDate: response.birthDate, sex: sexCode(response.sex), verificationMethod };
    },
    async checkGuardian(caller, guardianId, childId) {
      const response = await access.checkGuardian({ guardianId, childId }, as(caller));
      return { verified: response.verified, relationship: enumName("GUARDIAN_RELATIONSHIP_", response.relationship) ?? "" };
    },
    async sign(caller, request) {
      // Submitted by consult itself, signed by the person.
      const scope = await onBehalfOf(caller);
      const { signature, verification } = await signatures.signDocument(
        {
          requestId: request.requestId,
          documentType: request.documentType,
          documentId: request.documentId,
          canonicalDocument: Buffer.from(request.canonicalDocument, "utf8"),
          boundKind: request.boundTo.kind === "CONSULT" ? ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT : ClinicalObjectKind.CLINICAL_OBJECT_KIND_PATIENT,
          boundId: request.boundTo.id,
        },
        scope,
      );
      if (signature === undefined) throw new Error("identity answered SignDocument without a signature");
      return { signature: storedSignature(signature), verification: verification === undefined ? undefined : verdict(verification) };
    },
    async verify(caller, request) {
      const verification = {
        canonicalDocument: Buffer.from(request.canonicalDocument, "utf8"),
        signature: signatureMessage(request.signature),
        expectedSignerId: request.expectedSignerId,
      };
      return verdict(await signatures.verifySignature(verification, as(caller)));
    },
    close() {
      institutions.close();
      access.close();
      signatures.close();
    },
  };
}

function verdict(response: { valid: boolean; reasonCode: SignatureRejection }): { valid: boolean; reasonCode: string } {
  return { valid: response.valid, reasonCode: enumName("SIGNATURE_REJECTION_", response.reasonCode) ?? "" };
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
