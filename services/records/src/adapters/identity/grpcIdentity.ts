import { type CallOptions, type ChannelCredentials, credentials as grpcCredentials, type Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  ClinicalAccessServiceClient,
  ClinicalObjectKind,
  PractitionerServiceClient,
  SignatureServiceClient,
  signatureAlgorithmToJSON,
} from "@ihp/contracts/identity";
import { callDeadline, fromGrpcError, inProcessClientOptions, isRefusal, outgoingMetadata } from "@ihp/platform";
import type { IdentityPort } from "../../application/ports.js";

const CALL_MS = 5_000;
/** Where identity expects the clinician's token on SignDocument (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";
/** identity's document type for the outpatient record, submitted by svc:records, step-up bound to the consult. */
export const RECORD_DOCUMENT_TYPE = "OUTPATIENT_RECORD";

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => unknown;

export interface GrpcIdentityOptions {
  readonly address: string;
  readonly credentials?: ChannelCredentials | undefined;
  /** The records service's own `system` token: practitioner lookups and submitting documents for signing. */
  readonly serviceToken: () => Promise<string>;
  /** The records service's own `records` token: the only credential GetPatientForRecord answers (REC-01 header). */
  readonly recordsToken: () => Promise<string>;
}

/**
 * IdentityPort over identity's gRPC services: guardianship with the caller's token, practitioners with the service's
 * own token, signatures with both (the service submits, the clinician signs). Refusals come back as RemoteErrors
 * with identity's stable codes.
 */
export function grpcIdentity(options: GrpcIdentityOptions): IdentityPort & { close(): void } {
  const channel = options.credentials ?? grpcCredentials.createInsecure();
  const access = new ClinicalAccessServiceClient(options.address, channel, inProcessClientOptions(options.address));
  const practitioners = new PractitionerServiceClient(options.address, channel, inProcessClientOptions(options.address));
  const signatures = new SignatureServiceClient(options.address, channel, inProcessClientOptions(options.address));

  function call<Req, Res>(metadata: Metadata, deadline: Date | undefined, method: Unary<Req, Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method(request, metadata, callDeadline(CALL_MS, deadline), (error, response) => (error === null ? resolve(response) : reject(fromGrpcError(error))));
    });
  }
  const own = async () => outgoingMetadata({ token: await options.serviceToken() });

  return {
    async practitioner(practitionerId) {
      const { practitioner } = await call(await own(), undefined, practitioners.getPractitioner.bind(practitioners), { practitionerId });
      return { name: practitioner?.details?.name ?? "", title: practitioner?.details?.title ?? "" };
    },
    async patientForRecord(patientId, institutionId) {
      const metadata = outgoingMetadata({ token: await options.recordsToken() });
      const patient = await call(metadata, undefined, access.getPatientForRecord.bind(access), { patientId, institutionId });
      return { name: patient.name, erased: patient.erased };
    },
    async checkGuardian(caller, guardianId, childId) {
      // Any refusal (an id identity does not know, a role it does not serve) means "not this child's guardian".
      try {
        const response = await call(outgoingMetadata({ token: caller.token }), caller.deadline, access.checkGuardian.bind(access), { guardianId, childId });
        return response.verified;
      } catch (error) {
        if (isRefusal(error)) return false;
        throw error;
      }
    },
    async sign(caller, request) {
      const metadata = await own();
      metadata.set(SIGNER_AUTHORIZATION, `Bearer ${caller.token ?? ""}`);
      const { signature } = await call(metadata, caller.deadline, signatures.signDocument.bind(signatures), {
        requestId: request.requestId,
        documentType: RECORD_DOCUMENT_TYPE,
        documentId: request.documentId,
        canonicalDocument: Buffer.from(request.canonicalDocument, "utf8"),
        boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT,
        boundId: request.consultId,
      });
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
    close() {
      access.close();
      practitioners.close();
      signatures.close();
    },
  };
}
