import { credentials, type ChannelCredentials, type Metadata, type ServiceError } from "@grpc/grpc-js";
import { ConsultContextServiceClient, type GetPrescribingContextResponse } from "@ihp/contracts/consult";
import { ClinicalObjectKind, SignatureServiceClient, type SignDocumentResponse, type VerifySignatureResponse } from "@ihp/contracts/identity";
import { AdverseEventServiceClient, type CheckSuspensionsResponse } from "@ihp/contracts/reporting";
import { callDeadline, fromGrpcError, inProcessClientOptions, outgoingMetadata } from "@ihp/platform";
import type { ConsultContextPort, Forwarded, SignaturePort } from "../../application/ports.js";
import type { SuspensionPort } from "../../application/suspensions.js";
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
  const client = new ConsultContextServiceClient(address, channel, inProcessClientOptions(address));
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

/** Where identity expects the clinician's token on SignDocument (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";

/**
 * identity's SignatureService. Signing goes out under the service's own token (`serviceToken`) with the physician's
 * forwarded as the signer's: identity signs only documents their owning service submits, for the person in it.
 */
export function signatureClient(
  address: string,
  serviceToken: () => Promise<string>,
  channel: ChannelCredentials = credentials.createInsecure(),
): SignaturePort & { close(): void } {
  const client = new SignatureServiceClient(address, channel, inProcessClientOptions(address));
  return {
    async sign(request, auth) {
      const own = await serviceToken();
      const response = await unary<SignDocumentResponse>(
        (m, o, done) => {
          m.set(SIGNER_AUTHORIZATION, `Bearer ${auth.token}`);
          client.signDocument(
            {
              requestId: request.requestId,
              documentType: "PRESCRIPTION",
              documentId: request.documentId,
              canonicalDocument: request.canonicalDocument,
              boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT,
              boundId: request.consultId,
            },
            m,
            o,
            done,
          );
        },
        { token: own, deadline: auth.deadline },
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

/** SuspensionPort over reporting's AdverseEventService.CheckSuspensions, under prescription's own service token. */
export function suspensionClient(address: string, serviceToken: () => Promise<string>, channel: ChannelCredentials = credentials.createInsecure()): SuspensionPort & { close(): void } {
  const client = new AdverseEventServiceClient(address, channel, inProcessClientOptions(address));
  return {
    async active(check, auth) {
      const request = { institutionId: check.institutionId, clinicianId: check.clinicianId, departmentCode: "", drugCodes: [...check.drugCodes] };
      const own = { token: await serviceToken(), deadline: auth.deadline };
      return (await unary<CheckSuspensionsResponse>((m, o, done) => client.checkSuspensions(request, m, o, done), own)).suspensions;
    },
    close: () => client.close(),
  };
}
