import { credentials, type ChannelCredentials } from "@grpc/grpc-js";
import { enumName } from "@ihp/contracts";
import { ConsultContextServiceService } from "@ihp/contracts/consult";
import { ClinicalAccessServiceService, ClinicalObjectKind, SignatureServiceService } from "@ihp/contracts/identity";
import { AdverseEventServiceService } from "@ihp/contracts/reporting";
import { type CallScope, fromGrpcError, serviceClient } from "@ihp/platform";
import type { ClinicalSessionPort, ConsultContextPort, Forwarded, SignaturePort } from "../../application/ports.js";
import type { SuspensionPort } from "../../application/suspensions.js";
import type { ConsultSnapshot } from "../../domain/prescriptions/index.js";
import { signatureFromProto, signatureToProto } from "../signatureProto.js";

const CALL_MS = 5_000;

/** The caller's token travels with the call; the deadline never outlives the caller's. */
const scopeOf = (auth: Forwarded, headers?: Record<string, string>): CallScope => ({ token: auth.token, timeoutMs: CALL_MS, parentDeadline: auth.deadline, headers });

export function consultContextClient(address: string, channel: ChannelCredentials = credentials.createInsecure()): ConsultContextPort & { close(): void } {
  const client = serviceClient(ConsultContextServiceService, address, channel, { mapError: fromGrpcError });
  return {
    async getPrescribingContext(consultId, auth) {
      const response = await client.getPrescribingContext({ consultId }, scopeOf(auth));
      const snapshot: ConsultSnapshot = {
        consultId: response.consultId,
        institutionId: response.institutionId,
        jurisdiction: response.jurisdiction,
        departmentCode: response.departmentCode,
        patientId: response.patientId,
        patientBirthDate: response.patientBirthDate,
        patientSex: response.patientSex,
        physicianId: response.physicianId ?? "",
        // The domain keeps consult's name for it (IN_PROGRESS …); "" for a status this build does not know.
        status: enumName("CONSULT_STATUS_", response.status) ?? "",
        confirmedDiagnoses: response.confirmedDiagnoses.map((d) => ({ code: d.code, name: d.name, version: d.version })),
        prescribingBlocked: response.prescribingBlocked,
        blockedReason: response.blockedReason ?? "",
        guardianId: response.guardianId ?? "",
        guardianVerified: response.guardianVerified,
      };
      return snapshot;
    },
    close: () => client.close(),
  };
}

/** Where identity expects the clinician's token on SignDocument and CheckSession (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";

/** A call the service makes under its own token on the physician's behalf: theirs rides along as the person's. */
async function onBehalfOf(auth: Forwarded, serviceToken: () => Promise<string>): Promise<CallScope> {
  return scopeOf({ token: await serviceToken(), deadline: auth.deadline }, { [SIGNER_AUTHORIZATION]: `Bearer ${auth.token}` });
}

/**
 * identity's SignatureService. Signing goes out under the service's own token (`serviceToken`) with the physician's
 * forwarded as the signer's: identity signs only documents their owning service submits, for the person in it.
 */
export function signatureClient(
  address: string,
  serviceToken: () => Promise<string>,
  channel: ChannelCredentials = credentials.createInsecure(),
): SignaturePort & { close(): void } {
  const client = serviceClient(SignatureServiceService, address, channel, { mapError: fromGrpcError });
  return {
    async sign(request, auth) {
      const response = await client.signDocument(
        {
          requestId: request.requestId,
          documentType: "PRESCRIPTION",
          documentId: request.documentId,
          canonicalDocument: request.canonicalDocument,
          boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT,
          boundId: request.consultId,
        },
        await onBehalfOf(auth, serviceToken),
      );
      const { verification } = response;
      return {
        signature: signatureFromProto(response.signature),
        verification: verification === undefined ? undefined : { valid: verification.valid, reasonCode: enumName("SIGNATURE_REJECTION_", verification.reasonCode) ?? "" },
      };
    },
    async verify(request, auth) {
      const { canonicalDocument, expectedSignerId } = request;
      const response = await client.verifySignature({ canonicalDocument, signature: signatureToProto(request.signature), expectedSignerId }, scopeOf(auth));
      return { valid: response.valid, reasonCode: enumName("SIGNATURE_REJECTION_", response.reasonCode) ?? "" };
    },
    close: () => client.close(),
  };
}

/** identity's ClinicalAccessService.CheckSession, asked under the service's own token for the physician (IDN-08). */
export function sessionClient(
  address: string,
  serviceToken: () => Promise<string>,
  channel: ChannelCredentials = credentials.createInsecure(),
): ClinicalSessionPort & { close(): void } {
  const client = serviceClient(ClinicalAccessServiceService, address, channel, { mapError: fromGrpcError });
  return {
    async checkSession(auth) {
      await client.checkSession({}, await onBehalfOf(auth, serviceToken));
    },
    close: () => client.close(),
  };
}

/** SuspensionPort over reporting's AdverseEventService.CheckSuspensions, under prescription's own service token. */
export function suspensionClient(address: string, serviceToken: () => Promise<string>, channel: ChannelCredentials = credentials.createInsecure()): SuspensionPort & { close(): void } {
  const client = serviceClient(AdverseEventServiceService, address, channel, { mapError: fromGrpcError });
  return {
    async active(check, auth) {
      const request = { institutionId: check.institutionId, clinicianId: check.clinicianId, drugCodes: [...check.drugCodes] };
      const own = { token: await serviceToken(), deadline: auth.deadline };
      const { suspensions } = await client.checkSuspensions(request, scopeOf(own));
      // The domain's names (CLINICIAN, DRUG); a kind this build does not know is "" and matches none.
      return suspensions.map(({ scopeKind, scopeValue }) => ({ scopeKind: enumName("SUSPENSION_SCOPE_KIND_", scopeKind) ?? "", scopeValue }));
    },
    close: () => client.close(),
  };
}
