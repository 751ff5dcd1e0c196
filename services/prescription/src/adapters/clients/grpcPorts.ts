import { credentials, type ChannelCredentials, type Metadata, type ServiceError } from "@grpc/grpc-js";
import { ConsultContextServiceClient, type GetPrescribingContextResponse } from "@ihp/contracts/consult";
import { SignatureServiceClient, type SignDocumentResponse, type VerifySignatureResponse } from "@ihp/contracts/identity";
import { callDeadline, fromGrpcError, outgoingMetadata } from "@ihp/platform";
import type { ConsultContextPort, Forwarded, SignaturePort } from "../../application/ports.js";
import type { ConsultSnapshot } from "../../domain/prescriptions/index.js";
import { signatureFromProto, signatureToProto } from "../signatureProto.js";

const CALL_MS = 5_000;

function unary<Res>(call: (metadata: Metadata, options: { deadline: Date }, done: (error: ServiceError | null, value: Res) => void) => void, auth: Forwarded): Promise<Res> {
  // The caller's token and the active trace context travel with the call; the deadline never outlives the caller's.
  const metadata = outgoingMetadata({ token: auth.token });
  const { deadline } = callDeadline(CALL_MS, auth.deadline) as { deadline: Date };
  return new Promise((resolve, reject) => {
    call(metadata, { deadline }, (error, value) => (error === null ? resolve(value) : reject(fromGrpcError(error))));
  });
}

export function consultContextClient(address: string, channel: ChannelCredentials = credentials.createInsecure()): ConsultContextPort & { close(): void } {
  const client = new ConsultContextServiceClient(address, channel);
  return {
    async getPrescribingContext(consultId, auth) {
      const response = await unary<GetPrescribingContextResponse>((m, o, done) => client.getPrescribingContext({ consultId }, m, o, done), auth);
      const snapshot: ConsultSnapshot = {
        consultId: response.consultId,
        institutionId: response.institutionId,
        jurisdiction: response.jurisdiction,
        departmentCode: response.departmentCode,
        patientId: response.patientId,
        patientBirthDate: response.patientBirthDate,
        patientSex: response.patientSex,
        physicianId: response.physicianId,
        status: response.status,
        confirmedDiagnoses: response.confirmedDiagnoses.map((d) => ({ code: d.code, name: d.name, version: d.version })),
        prescribingBlocked: response.prescribingBlocked,
        blockedReason: response.blockedReason,
        guardianId: response.guardianId,
        guardianVerified: response.guardianVerified,
      };
      return snapshot;
    },
    close: () => client.close(),
  };
}

export function signatureClient(address: string, channel: ChannelCredentials = credentials.createInsecure()): SignaturePort & { close(): void } {
  const client = new SignatureServiceClient(address, channel);
  return {
    async sign(request, auth) {
      const response = await unary<SignDocumentResponse>(
        (m, o, done) =>
          client.signDocument(
            { requestId: request.requestId, documentType: "PRESCRIPTION", documentId: request.documentId, canonicalDocument: request.canonicalDocument },
            m,
            o,
            done,
          ),
        auth,
      );
      return signatureFromProto(response.signature);
    },
    async verify(request, auth) {
      const response = await unary<VerifySignatureResponse>(
        (m, o, done) =>
          client.verifySignature(
            { canonicalDocument: request.canonicalDocument, signature: signatureToProto(request.signature), expectedSignerId: request.expectedSignerId },
            m,
            o,
            done,
          ),
        auth,
      );
      return { valid: response.valid, reasonCode: response.reasonCode };
    },
    close: () => client.close(),
  };
}
