import { type ChannelCredentials, credentials as grpcCredentials } from "@grpc/grpc-js";
import {
  ClinicalAccessServiceService,
  ClinicalObjectKind,
  PractitionerServiceService,
  SignatureServiceService,
  signatureAlgorithmToJSON,
} from "@ihp/contracts/identity";
import { type CallScope, fromGrpcError, isRefusal, serviceClient } from "@ihp/platform";
import type { IdentityPort } from "../../application/ports.js";

const CALL_MS = 5_000;
/** Where identity expects the clinician's token on SignDocument and CheckSession (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";
/** identity's document type for the outpatient record, submitted by svc:records, step-up bound to the consult. */
export const RECORD_DOCUMENT_TYPE = "OUTPATIENT_RECORD";

export interface GrpcIdentityOptions {
  readonly address: string;
  readonly credentials?: ChannelCredentials | undefined;
  /** The records service's own `system` token: practitioner lookups and submitting documents for signing. */
  readonly serviceToken: () => Promise<string>;
  /** The records service's own `records` token: the only credential GetPatientForRecord answers (REC-01 header). */
  readonly recordsToken: () => Promise<string>;
}

/** The clinician's own token, beside the service's when it asks on their behalf. */
const clinicianOf = (caller: { readonly token?: string | undefined }): Record<string, string> => ({ [SIGNER_AUTHORIZATION]: `Bearer ${caller.token ?? ""}` });

/** A call with this token, never outliving the call being served. */
const scopeOf = (token: string | undefined, parentDeadline?: Date, headers?: Record<string, string>): CallScope => ({ token, timeoutMs: CALL_MS, parentDeadline, headers });

/**
 * IdentityPort over identity's gRPC services: guardianship with the caller's token, practitioners with the service's
 * own token, sessions and signatures with both (the service asks or submits, for the clinician). Refusals come back as RemoteErrors
 * with identity's stable codes.
 */
export function grpcIdentity(options: GrpcIdentityOptions): IdentityPort & { close(): void } {
  const credentials = options.credentials ?? grpcCredentials.createInsecure();
  const access = serviceClient(ClinicalAccessServiceService, options.address, credentials, { mapError: fromGrpcError });
  const shared = { channelOverride: access.channel, mapError: fromGrpcError };
  const practitioners = serviceClient(PractitionerServiceService, options.address, credentials, shared);
  const signatures = serviceClient(SignatureServiceService, options.address, credentials, shared);

  return {
    async practitioner(practitionerId) {
      const { practitioner } = await practitioners.getPractitioner({ practitionerId }, scopeOf(await options.serviceToken()));
      return { name: practitioner?.details?.name ?? "", title: practitioner?.details?.title ?? "" };
    },
    async patientForRecord(patientId, institutionId) {
      const patient = await access.getPatientForRecord({ patientId, institutionId }, scopeOf(await options.recordsToken()));
      return { name: patient.name, erased: patient.erased };
    },
    async checkGuardian(caller, guardianId, childId) {
      // Any refusal (an id identity does not know, a role it does not serve) means "not this child's guardian".
      try {
        return (await access.checkGuardian({ guardianId, childId }, scopeOf(caller.token, caller.deadline))).verified;
      } catch (error) {
        if (isRefusal(error)) return false;
        throw error;
      }
    },
    async checkSession(caller) {
      await access.checkSession({}, scopeOf(await options.serviceToken(), caller.deadline, clinicianOf(caller)));
    },
    async sign(caller, request) {
      const signer = clinicianOf(caller);
      const { signature } = await signatures.signDocument(
        {
          requestId: request.requestId,
          documentType: RECORD_DOCUMENT_TYPE,
          documentId: request.documentId,
          canonicalDocument: Buffer.from(request.canonicalDocument, "utf8"),
          boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT,
          boundId: request.consultId,
        },
        scopeOf(await options.serviceToken(), caller.deadline, signer),
      );
      if (signature === undefined) throw new Error("identity answered SignDocument without a signature");
      return {
        signerId: signature.signerId,
        algorithm: signatureAlgorithmToJSON(signature.algorithm),
        certificateSerial: signature.certificateSerial,
        value: Buffer.from(signature.value).toString("base64"),
        documentHash: Buffer.from(signature.documentHash).toString("hex"),
        signedAt: signature.signedAt,
      };
    },
    // Closes the one channel the three clients ride on.
    close: () => access.close(),
  };
}
